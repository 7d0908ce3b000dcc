export { main, ALL_COMMANDS } from './main.ts';

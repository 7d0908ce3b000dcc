/** The read-only, file-backed ConfigStore behind `skiff control-plane -f FILE|DIR`. */
export { openFileSource, FileSource, FILE_SOURCE_READ_ONLY, type FileSourceOptions, type FileSourceReport } from './file-source.ts';

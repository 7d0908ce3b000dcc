/**
 * Field paths name a place inside a resource the way users read it:
 * `spec.http[0].route[1].weight`. Segments are kept as data (not a string)
 * so the YAML layer can find the source line of any path.
 */
export type FieldPath = readonly (string | number)[];

const SIMPLE_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

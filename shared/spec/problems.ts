// What the user sees when a spec is wrong: where (file, document, field, line) and what to do about it.

/** A problem inside one document, before it is placed in a file. `path` is kept to find the YAML line. */
export interface FieldProblem {
  path: PropertyKey[];
  message: string;
}

export interface SpecProblem {
  file: string;
  /** 1-based position of the YAML document in the file; 0 when the problem is about the whole file. */
  document: number;
  /** Dotted path like `spec.config.healthCheckInterval`, or '' when the problem is the document itself. */
  field: string;
  /** What is expected, or how to fix it. */
  message: string;
  /** 1-based line in the file, when known. */
  line?: number;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['spec', 'targetClusters', 0]` -> `spec.targetClusters[0]`; keys with dots are quoted: `values["a.b"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && PLAIN_KEY.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** One line per problem: `FILE#DOC  FIELD: MESSAGE (line N)`. */
export function formatProblem(problem: SpecProblem): string {
  const where = problem.document > 0 ? `${problem.file}#${problem.document}` : problem.file;
  const field = problem.field ? `${problem.field}: ` : '';
  const line = problem.line ? ` (line ${problem.line})` : '';
  return `${where}  ${field}${problem.message}${line}`;
}

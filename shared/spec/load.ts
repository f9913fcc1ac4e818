// Spec files -> validated Integrations and IntegrationTargets, or every problem found, each naming file, document,
// field and line. Never throws for bad input: callers refuse to act when `problems` is not empty.
import { dirname, resolve } from 'node:path';
import { isScalar, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { dependencyCycleProblems } from '../dependencies/spec-problems.js';
import type { IntegrationSpec, TargetSpec } from '../types.js';
import { validateDocument, type ValidDocument } from './documents.js';
import { resolveLocalPaths } from './local-paths.js';
import { fieldPath, type SpecProblem } from './problems.js';
import { expandSpecPaths, MAX_SPEC_FILE_BYTES, readSpecFile } from './read-spec-file.js';
import { lineOf, unreadableLine } from './yaml-lines.js';

/** A valid document and where it came from (for summaries and duplicate reports). */
export type LoadedDocument = ValidDocument & { file: string; document: number };

export interface SpecSet {
  integrations: IntegrationSpec[];
  targets: TargetSpec[];
  /** Every valid document in file order, with its origin. */
  documents: LoadedDocument[];
  problems: SpecProblem[];
}

const EXPECTED_CONTENT = `one or more YAML documents with apiVersion: ksit.io/v1alpha1 and kind: Integration or IntegrationTarget`;

/** Parses the text of one file (which may hold several `---`-separated documents). */
export function parseSpecText(text: string, fileName: string): SpecSet {
  const { documents, problems } = parseFileText(text, fileName);
  return collect(documents, problems);
}

/** Loads files (a directory means its .yaml/.yml files); duplicates are checked across all of them. */
export async function loadSpecFiles(paths: string[]): Promise<SpecSet> {
  const documents: LoadedDocument[] = [];
  const problems: SpecProblem[] = [];
  const { files, unusable } = await expandSpecPaths(paths);
  for (const { path, message } of unusable) problems.push({ file: path, document: 0, field: '', message });
  for (const file of files) {
    const read = await readSpecFile(file);
    if (!read.ok) {
      problems.push({ file, document: 0, field: '', message: read.message });
      continue;
    }
    const parsed = parseFileText(read.text, file);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return collect(documents, problems);
}

function parseFileText(text: string, file: string): { documents: LoadedDocument[]; problems: SpecProblem[] } {
  const documents: LoadedDocument[] = [];
  const problems: SpecProblem[] = [];
  const fileProblem = (message: string) => ({ documents, problems: [{ file, document: 0, field: '', message }] });
  if (text.length > MAX_SPEC_FILE_BYTES)
    return fileProblem(`text is larger than the ${MAX_SPEC_FILE_BYTES / (1024 * 1024)} MB limit for spec files`);
  if (text.trim() === '') return fileProblem(`file is empty: expected ${EXPECTED_CONTENT}`);

  const lineCounter = new LineCounter();
  const baseDir = dirname(resolve(file));
  let nonEmpty = 0;
  // logLevel 'error': the yaml library would otherwise print its own warnings (e.g. about a `? [a, b]` key) on
  // the user's terminal through process.emitWarning; what matters about such input is reported as a problem.
  parseAllDocuments(text, { lineCounter, prettyErrors: false, logLevel: 'error' }).forEach((doc, index) => {
    const at = { file, document: index + 1 };
    if (doc.errors.length > 0) {
      problems.push(...syntaxProblems(doc, lineCounter).map((p) => ({ ...at, ...p })));
      return;
    }
    if (isEmptyDocument(doc)) return; // e.g. a trailing `---`, or a document of comments only
    nonEmpty++;
    const value = toPlainData(doc);
    if (!value.ok) {
      problems.push({ ...at, field: '', message: value.message, line: unreadableLine(doc, lineCounter) });
      return;
    }
    const result = validateDocument(value.data);
    if (!result.ok) {
      const located = result.problems.map((problem) => {
        const line = lineOf(doc, problem.path, lineCounter);
        return { ...at, field: fieldPath(problem.path), message: problem.message, ...(line ? { line } : {}) };
      });
      // In the order they appear in the file, which is how people fix them.
      problems.push(...located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
      return;
    }
    documents.push({ ...resolveLocalPaths(result.document, baseDir), ...at });
  });
  if (nonEmpty === 0 && problems.length === 0)
    problems.push({
      file,
      document: 0,
      field: '',
      message: `no documents (only comments?): expected ${EXPECTED_CONTENT}`,
    });
  return { documents, problems };
}

/**
 * One problem per distinct syntax error, the first place it occurs: a deeply nested document makes the yaml
 * library repeat the same error once per level (hundreds of identical lines that hide everything else).
 */
function syntaxProblems(doc: Document, lineCounter: LineCounter): { field: ''; message: string; line: number }[] {
  const byReason = new Map<string, { line: number; col: number; count: number }>();
  for (const error of doc.errors) {
    const reason = error.message.split('\n')[0] ?? error.code;
    const seen = byReason.get(reason);
    if (seen) seen.count++;
    else byReason.set(reason, { ...lineCounter.linePos(error.pos[0]), count: 1 });
  }
  return [...byReason].map(([reason, { line, col, count }]) => ({
    field: '',
    message: `YAML syntax error at line ${line}, column ${col}: ${reason}${count > 1 ? ` (and ${count - 1} more like it)` : ''}`,
    line,
  }));
}

function isEmptyDocument(doc: Document): boolean {
  return doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
}

// toJS throws on alias bombs (too many `*refs`) and the like; that is bad input, reported like any other.
function toPlainData(doc: Document): { ok: true; data: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return {
      ok: false,
      message: `cannot read this YAML document: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Drops duplicates (reporting both places) and splits the rest by kind. */
function collect(documents: LoadedDocument[], problems: SpecProblem[]): SpecSet {
  const byName = new Map<string, LoadedDocument>();
  const byCluster = new Map<string, LoadedDocument>();
  const kept: LoadedDocument[] = [];
  const duplicateProblems: SpecProblem[] = [];
  for (const doc of documents) {
    const id = `${doc.kind} ${doc.spec.namespace}/${doc.spec.name}`;
    const first = byName.get(id);
    if (first) {
      duplicateProblems.push({
        file: doc.file,
        document: doc.document,
        field: 'metadata.name',
        message: `duplicate ${id}: also defined in ${first.file}#${first.document}`,
      });
      continue;
    }
    byName.set(id, doc);
    if (doc.kind === 'IntegrationTarget') {
      // Integrations name clusters within their namespace; two targets for one cluster would run everything twice.
      const clusterId = `${doc.spec.namespace}/${doc.spec.clusterName}`;
      const owner = byCluster.get(clusterId);
      if (owner) {
        duplicateProblems.push({
          file: doc.file,
          document: doc.document,
          field: 'spec.clusterName',
          message: `cluster "${doc.spec.clusterName}" already has a target: ${owner.spec.namespace}/${owner.spec.name} in ${owner.file}#${owner.document}`,
        });
        continue;
      }
      byCluster.set(clusterId, doc);
    }
    kept.push(doc);
  }
  return {
    integrations: kept.flatMap((doc) => (doc.kind === 'Integration' ? [doc.spec] : [])),
    targets: kept.flatMap((doc) => (doc.kind === 'IntegrationTarget' ? [doc.spec] : [])),
    documents: kept,
    problems: [
      ...problems,
      ...duplicateProblems,
      ...dependencyCycleProblems(kept.flatMap((doc) => (doc.kind === 'Integration' ? [doc] : []))),
    ],
  };
}

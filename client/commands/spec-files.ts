// The `-f FILE...` handling that validate, apply and preflight share: parse the flags, load and validate every
// document, and refuse all of them if any is bad.
import type { ParseArgsConfig } from 'node:util';
import { loadSpecFiles, type LoadedDocument } from '../../shared/spec/index.js';
import { crossNamespaceProblems } from '../../shared/dependencies/spec-problems.js';
import { KsitError, UsageError } from '../errors.js';
import { parseCommandArgs, printUsage, wantsHelp } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Returns the valid documents and the other flags' values, or undefined after printing usage for --help;
 * throws on any problem in any file.
 */
export async function loadValidFiles(
  verb: string,
  args: string[],
  usage: string,
  refusal = '',
  extraOptions: Options = {},
) {
  if (wantsHelp(args)) {
    printUsage(usage);
    return undefined;
  }
  const { values } = parseCommandArgs(
    args,
    { ...extraOptions, file: { type: 'string', short: 'f', multiple: true } },
    usage,
  );
  const flags = values as Record<string, string | boolean | string[] | undefined>;
  const files = (flags.file ?? []) as string[];
  if (files.length === 0) throw new UsageError(`${verb} needs at least one -f FILE`, usage);
  const result = await loadSpecFiles(files);
  result.problems.push(...crossNamespaceDependencies(result.documents));
  if (result.problems.length > 0) {
    const count = result.problems.length;
    throw new KsitError(`${count} problem${count === 1 ? '' : 's'} found${refusal}`, { problems: result.problems });
  }
  const documents: LoadedDocument[] = result.documents;
  return { documents, values: flags };
}

/** The CLI setting that lets spec.dependsOn name an Integration of another namespace (CLI-only mode has no RBAC). */
export const CROSS_NAMESPACE_SETTING = 'KSIT_ALLOW_CROSS_NAMESPACE_DEPENDENCIES';

function crossNamespaceDependencies(documents: LoadedDocument[]) {
  const integrations = documents.flatMap((doc) => (doc.kind === 'Integration' ? [doc] : []));
  return crossNamespaceProblems(integrations, process.env[CROSS_NAMESPACE_SETTING] === 'true', CROSS_NAMESPACE_SETTING);
}

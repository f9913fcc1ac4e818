// The `-f FILE...` handling that validate and apply share: parse the flags, load and validate every document,
// and refuse all of them if any is bad.
import { loadSpecFiles, type LoadedDocument } from '../../shared/spec/index.js';
import { KsitError, UsageError } from '../errors.js';
import { parseCommandArgs } from './command.js';

/** Returns the valid documents, or undefined after printing usage for --help; throws on any problem. */
export async function loadValidFiles(
  verb: string,
  args: string[],
  usage: string,
  refusal = '',
): Promise<LoadedDocument[] | undefined> {
  const { values } = parseCommandArgs(
    args,
    { file: { type: 'string', short: 'f', multiple: true }, help: { type: 'boolean', short: 'h' } },
    usage,
  );
  if (values.help) {
    process.stdout.write(`usage: ${usage}\n`);
    return undefined;
  }
  const files = values.file ?? [];
  if (files.length === 0) throw new UsageError(`${verb} needs at least one -f FILE`, usage);
  const result = await loadSpecFiles(files);
  if (result.problems.length > 0) {
    const count = result.problems.length;
    throw new KsitError(`${count} problem${count === 1 ? '' : 's'} found${refusal}`, { problems: result.problems });
  }
  return result.documents;
}

// The object kinds the CLI verbs take (`ksit get integrations`, `ksit describe target x`, ...), and every spelling
// of each, in one table: a verb says which kinds it accepts and parseKind does the rest, so that no two verbs can
// disagree on what `integrationtargets` means. A new kind (a rollout, say) is one more row here.
import { workflowIds } from '../workflows/definitions.js';
import { UsageError } from './errors.js';

export interface KindInfo {
  /** The word ksit prints before a name, kubectl-style: `integrationtarget/cluster-1 created`. */
  printed: string;
  /** What `ksit get` takes to list them; also used in hints. */
  plural: string;
  /** Every word that names this kind on the command line (singular, plural, the long and short forms). */
  spellings: readonly string[];
  /** The value of the KsitKind search attribute its workflows carry. */
  searchKind: string;
  /** The workflow that holds one object of this kind. */
  workflowId(namespace: string, name: string): string;
}

export const KINDS = {
  integration: {
    printed: 'integration',
    plural: 'integrations',
    spellings: ['integration', 'integrations'],
    searchKind: 'integration',
    workflowId: workflowIds.integration,
  },
  target: {
    printed: 'integrationtarget',
    plural: 'targets',
    spellings: ['target', 'targets', 'integrationtarget', 'integrationtargets'],
    searchKind: 'target',
    workflowId: workflowIds.target,
  },
} as const satisfies Record<string, KindInfo>;

export type Kind = keyof typeof KINDS;

/** "integrations or targets": the kinds a verb takes, as words for an error message. */
export function kindChoices(accepted: readonly Kind[], plural = false): string {
  const words = accepted.map((k) => (plural ? KINDS[k].plural : k));
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** The kind `word` names, if it is one of `accepted`; otherwise a usage error listing what the verb takes. */
export function parseKind(word: string | undefined, accepted: readonly Kind[], verb: string, usage: string): Kind {
  const found = accepted.find((k) => (KINDS[k].spellings as readonly string[]).includes(word ?? ''));
  if (found) return found;
  const plural = verb === 'get';
  throw new UsageError(`${verb} what? "${word ?? ''}" (${kindChoices(accepted, plural)})`, usage);
}

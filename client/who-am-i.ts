import { hostname, userInfo } from 'node:os';

/** Who runs this command, for revision history and rollout messages: `user@host` (KSIT_ACTOR overrides). */
export function whoAmI(): string {
  if (process.env.KSIT_ACTOR) return process.env.KSIT_ACTOR;
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

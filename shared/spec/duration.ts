// Durations as the seeds write them ("30s", "3m", "1m30s", "500ms"), Go-style: one or more number+unit parts, no
// spaces, no sign. A bare number is refused on purpose: `30` could mean seconds or milliseconds, and guessing
// wrong makes a health loop hammer 50 clusters.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

// `ms` must come before `m` and `s` in the alternation, or "500ms" would read as 500 minutes + a stray "s".
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

/** Milliseconds for a duration like "1m30s", or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0 || text.length > 64) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2] as string]!;
  }
  return Number.isSafeInteger(Math.round(total)) ? Math.round(total) : undefined;
}

/** The shortest duration text for a millisecond count: 90000 -> "1m30s", 500 -> "500ms". */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text;
}

export const DURATION_HINT = 'a number followed by a unit, like "30s", "2m", "1m30s", "1h" or "500ms"';

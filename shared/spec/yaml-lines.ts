// Finds the line of a field in a parsed YAML document, so a problem can point at it. Walks the YAML nodes along the
// problem's path and stops at the deepest one that exists (a missing field points at its parent).
import { isMap, isSeq, visit, type Document, type LineCounter, type Node } from 'yaml';

export function lineOf(doc: Document, path: readonly PropertyKey[], lineCounter: LineCounter): number | undefined {
  let node: unknown = doc.contents;
  let line = startLine(node, lineCounter);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => String((item.key as { value?: unknown } | null)?.value ?? item.key) === String(segment),
      );
      if (!pair) break;
      // The key's line is where the field is written (a nested map's value starts a line later).
      line = startLine(pair.key, lineCounter) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      line = startLine(node, lineCounter) ?? line;
    } else {
      break;
    }
  }
  return line;
}

function startLine(node: unknown, lineCounter: LineCounter): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? lineCounter.linePos(range[0]).line : undefined;
}

/**
 * The line to blame when a document parses but cannot be turned into data: its first alias with no anchor before
 * it (`*name`), or else where the document starts (e.g. too many aliases).
 */
export function unreadableLine(doc: Document, lineCounter: LineCounter): number {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  offset ??= (doc.contents as Node | null)?.range?.[0] ?? doc.range?.[0] ?? 0;
  return lineCounter.linePos(offset).line;
}

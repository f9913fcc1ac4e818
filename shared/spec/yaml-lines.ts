// Finds the line of a field in a parsed YAML document, so a problem can point at it. Walks the YAML nodes along the
// problem's path and stops at the deepest one that exists (a missing field points at its parent).
import { isMap, isSeq, type Document, type LineCounter, type Node } from 'yaml';

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

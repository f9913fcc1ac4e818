// Adds whichever of ksit's search attributes (workflows/search-attributes.ts) a Temporal namespace lacks. Used by
// the setup entry point (Helm hook Job, docker-compose) and the workflow tests' time-skipping server.
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { KSIT_SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

const { IndexedValueType } = proto.temporal.api.enums.v1;

/** ksit's attributes as the operator API takes them: name -> IndexedValueType. */
export function searchAttributeTypes(): Record<string, number> {
  return Object.fromEntries(
    KSIT_SEARCH_ATTRIBUTES.map((key) => {
      const type = IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
      if (typeof type !== 'number') throw new Error(`search attribute ${key.name}: unknown type ${key.type}`);
      return [key.name, type];
    }),
  );
}

/** Registers the missing attributes (registering one that exists is an error on some servers); returns them. */
export async function registerSearchAttributes(
  operatorService: Connection['operatorService'],
  namespace: string,
): Promise<string[]> {
  const list = await operatorService.listSearchAttributes({ namespace });
  const have = { ...list.systemAttributes, ...list.customAttributes };
  const missing = Object.fromEntries(Object.entries(searchAttributeTypes()).filter(([name]) => !(name in have)));
  if (Object.keys(missing).length > 0)
    await operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  return Object.keys(missing);
}

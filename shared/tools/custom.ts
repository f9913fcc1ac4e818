import type { ToolDefinition } from './tool-definition.js';

// A tool the user describes: components come from the Integration's `config.components`, chart from helmConfig.
export const custom: ToolDefinition = {
  id: 'custom',
  displayName: 'Custom tool',
  defaultNamespace: 'default',
  components: [],
};

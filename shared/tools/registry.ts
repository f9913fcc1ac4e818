import type { ToolId } from '../types.js';
import { argocd } from './argocd.js';
import { certManager } from './cert-manager.js';
import { custom } from './custom.js';
import { flux } from './flux.js';
import { istio } from './istio.js';
import { kyverno } from './kyverno.js';
import { prometheus } from './prometheus.js';
import type { ToolDefinition } from './tool-definition.js';

// Typed by ToolId so the compiler names any tool left out.
export const TOOLS: { [K in ToolId]: ToolDefinition } = {
  argocd,
  prometheus,
  istio,
  flux,
  'cert-manager': certManager,
  kyverno,
  custom,
};

export type { ToolDefinition };

// The spec module: the user's YAML model, validated and normalized. It reads files and uses zod, so workflow code
// must not import it (workflows receive the normalized types from shared/types.ts instead).
export { DURATION_HINT, formatDuration, parseDuration } from './duration.js';
export { validateDocument, type DocumentResult, type ValidDocument } from './documents.js';
export { loadSpecFiles, parseSpecText, type LoadedDocument, type SpecSet } from './load.js';
export { DEFAULTS, toIntegrationSpec, toTargetSpec } from './normalize.js';
export { fieldPath, formatProblem, type FieldProblem, type SpecProblem } from './problems.js';
export { MAX_SPEC_FILE_BYTES } from './read-spec-file.js';
export {
  API_VERSION,
  integrationDocument,
  KINDS,
  targetDocument,
  type IntegrationDocument,
  type Kind,
  type TargetDocument,
} from './schema.js';

import pino from 'pino';

/** One JSON logger; anything that could carry credentials is redacted by path before it is written. */
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      // Top level and one level down; the SDK's lines (sdk-logger.ts) carry failures whose details are payloads.
      paths: [
        'kubeconfig',
        'token',
        'password',
        'values',
        'setValues',
        '*.kubeconfig',
        '*.token',
        '*.password',
        '*.values',
        '*.setValues',
        '*.credentials.*',
        'err.config',
        'error.details',
        'error.cause.details',
        'failure.details',
      ],
      censor: '[redacted]',
    },
  });
}

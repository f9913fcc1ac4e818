import pino from 'pino';

/** One JSON logger; anything that could carry credentials is redacted by path before it is written. */
export function createLogger(level: string) {
  return pino({
    level,
    redact: {
      paths: ['*.kubeconfig', '*.token', '*.password', '*.values', '*.setValues', '*.credentials.*', 'err.config'],
      censor: '[redacted]',
    },
  });
}

// Loaded by path (DataConverter.failureConverterPath) into the worker, the client and the workflow bundle when the
// codec is on: failure messages and stack traces travel as an encoded payload, which the codec encrypts, because
// Helm's error text can echo the values it was given. Imports only @temporalio/common so the sandbox can load it.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

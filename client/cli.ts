#!/usr/bin/env node
// The ksit command line's entry point: checks the Node version before anything is loaded, then runs the CLI
// (ksit.ts, which holds the table of commands). From a clone, `npx ksit` starts it through bin/ksit, which finds a
// supported Node first.
import { startProgram } from '../shared/entry-point.js';

await startProgram('ksit', 'npx ksit', () => import('./ksit.js'));

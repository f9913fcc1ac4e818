// Every command the docs give must exist and start on the machine the README describes, whose own Node may be old:
// each command found in the Markdown files is checked and run in a cheap form (`--help`, usage, a syntax check)
// with the machine's default Node first on PATH. It fails on a stack trace, a command or script that no longer
// exists, a `node dist/...` the user would have to type, and on any command it does not know how to check, so
// that docs added later are covered or loudly refused.
import { describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../deploy/local/environment.js';
import { MINIMUM_NODE } from '../../../shared/entry-point.js';
import { extractCommands, isPlaceholder, markdownFiles, simpleCommands, type DocCommand } from './doc-commands.js';

const scripts = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const docs = markdownFiles(repoRoot).flatMap((file) =>
  extractCommands(readFileSync(join(repoRoot, file), 'utf8'), file),
);

/** The machine's own Node first on PATH (the pinned one may come later, as on a user's machine). */
const SYSTEM_NODE_DIR = '/usr/bin';
const PATH = `${SYSTEM_NODE_DIR}:/bin:${process.env.PATH ?? ''}`;
/** Tools ksit does not ship; their commands are checked only for the repository paths they name. */
const EXTERNAL = new Set(['helm', 'kubectl', 'docker', 'temporal', 'tcld', 'curl', 'openssl', 'kill', 'git', 'cd']);
/** npm scripts that are not `[npm run build &&] deploy/local/with-node.sh dist/...`: how to check them cheaply. */
const OTHER_SCRIPTS: Record<string, string[] | 'run by CI'> = {
  test: ['bash', '-n', 'deploy/local/test.sh'],
  demo: ['bash', '-n', 'deploy/local/demo.sh'],
  build: 'run by CI',
  lint: 'run by CI',
  format: ['node_modules/.bin/prettier', '--version'],
};
/** Arguments for a script's cheap run when it has no --help. */
const CHEAP_ARGS: Record<string, string[]> = { 'generate:crds': ['--check'] };

/** The repository paths an external command names: kubectl's files, any path-like word for the others. */
function repoPaths(program: string, args: string[]): string[] {
  const pathLike = (word: string) => /^(\.\/)?(deploy|config|test|bench)\//.test(word) && !isPlaceholder(word);
  if (program !== 'kubectl') return args.filter(pathLike);
  return args.flatMap((word, i) => {
    const flagged = /^--(?:filename|from-file)=(?:[^=]+=)?(.*)$/.exec(word)?.[1];
    const value = flagged ?? (['-f', '--filename'].includes(args[i - 1] ?? '') ? word : undefined);
    return value !== undefined && pathLike(value) ? [value] : [];
  });
}

interface Run {
  command: string[];
  /** Exit codes that count as "started and answered". */
  codes: number[];
  /** Text the output must contain. */
  expect: RegExp;
}

function problemsAndRuns(commands: DocCommand[]): { problems: string[]; runs: Map<string, Run> } {
  const problems: string[] = [];
  const runs = new Map<string, Run>();
  const add = (run: Run) => runs.set(run.command.join(' '), run);
  const ksitVerb = (verbs: string | undefined, where: string) => {
    for (const verb of (verbs ?? '--help').split('|')) {
      if (verb.startsWith('-')) add({ command: ['bin/ksit', '--help'], codes: [0], expect: /^usage: ksit/m });
      else add({ command: ['bin/ksit', verb, '--help'], codes: [0], expect: /^usage: ksit/m });
      if (!/^[a-z-]+$/.test(verb) && !verb.startsWith('-')) problems.push(`${where}: odd ksit verb "${verb}"`);
    }
  };
  const npmScript = (name: string, where: string) => {
    const matching = name.endsWith('*') ? Object.keys(scripts).filter((s) => s.startsWith(name.slice(0, -1))) : [name];
    if (matching.length === 0 || !matching.every((s) => s in scripts))
      return void problems.push(`${where}: npm run ${name}: no such script in package.json`);
    for (const script of matching) {
      const body = scripts[script]!.replace(/^npm run (--silent )?build && /, '');
      const other = OTHER_SCRIPTS[script];
      if (other === 'run by CI') continue;
      if (other) add({ command: other, codes: [0], expect: /.*/ });
      else if (body.startsWith('deploy/local/with-node.sh '))
        add({ command: [...body.split(' '), ...(CHEAP_ARGS[script] ?? ['--help'])], codes: [0], expect: /usage|^$/im });
      else problems.push(`${where}: npm script "${script}" has no cheap form: add one to OTHER_SCRIPTS in this test`);
    }
  };
  for (const { where, text } of commands) {
    for (const words of simpleCommands(text)) {
      const [program, ...args] = words;
      if (program === 'npm') {
        if (args[0] === 'test') npmScript('test', where);
        else if (args[0] === 'run') npmScript(args.find((a, i) => i > 0 && !a.startsWith('-')) ?? '', where);
        else if (!['install', 'link', 'ci'].includes(args[0] ?? ''))
          problems.push(`${where}: unknown npm use: ${text}`);
      } else if (program === 'npx' && args[0] === 'ksit') ksitVerb(args[1], where);
      else if (program === 'ksit' || program?.endsWith('bin/ksit')) ksitVerb(args[0], where);
      else if (program === 'alias') {
        if (text.includes('node dist')) problems.push(`${where}: an alias to node dist/...: use bin/ksit`);
      } else if (program === 'node' || program?.startsWith('dist/'))
        problems.push(`${where}: tells the user to type "${text}": give it an npm script or a ksit command`);
      else if (program === 'deploy/local/env.sh') {
        add({ command: ['deploy/local/env.sh', '--help'], codes: [2], expect: /env\.sh up/ });
        const usage = readFileSync(join(repoRoot, 'deploy/local/env.sh'), 'utf8');
        for (const sub of (args[0] ?? '').split('|'))
          if (!usage.includes(`#   env.sh ${sub}`)) problems.push(`${where}: env.sh has no command "${sub}"`);
      } else if (program === 'deploy/local/fault.sh') {
        add({ command: ['deploy/local/fault.sh'], codes: [1, 2], expect: /crashloop\|imagepull\|notready\|clear/ });
        for (const fault of (args[3] ?? 'clear').split('|'))
          if (!['crashloop', 'imagepull', 'notready', 'clear'].includes(fault))
            problems.push(`${where}: fault.sh has no fault "${fault}"`);
      } else if (program === 'deploy/local/demo.sh') {
        add({ command: ['bash', '-n', 'deploy/local/demo.sh'], codes: [0], expect: /.*/ });
        if (args.length > 0 && args[0] !== 'down') problems.push(`${where}: demo.sh takes only "down"`);
      } else if (program === 'deploy/local/tools.sh' || program === 'deploy/local/with-node.sh') {
        // Both run on every npm script and in CI's `npm test`.
      } else if (program && EXTERNAL.has(program)) {
        for (const path of repoPaths(program, args))
          if (!existsSync(join(repoRoot, path)))
            problems.push(`${where}: ${program} names ${path}, which is not there`);
      } else if (words.length === 1 && existsSync(join(repoRoot, program!))) {
        // A file or directory named in the text (`deploy/local/charts/`), not a command.
      } else problems.push(`${where}: unknown command "${text}": teach doc-commands.test.ts how to check it`);
    }
  }
  return { problems, runs };
}

function run(command: string[], timeoutMs = 90_000) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    const [file, ...args] = command;
    execFile(file!, args, { cwd: repoRoot, env: { ...process.env, PATH }, timeout: timeoutMs }, (error, out, err) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, output: `${out}${err}` }),
    );
  });
}

/** A Node or V8 stack frame, or the loader's own crash report. */
const STACK_TRACE = /^\s+at .+(:\d+:\d+\)?|\(node:internal)|^Node\.js v\d+|ERR_MODULE_NOT_FOUND/m;

describe('the commands in the docs', () => {
  const { problems, runs } = problemsAndRuns(docs);

  test('are found (the extraction is not vacuous) and all are known, existing commands', () => {
    const texts = docs.map((d) => d.text);
    expect(texts).toContain('npm run demo');
    expect(texts).toContain('npm test');
    expect(docs.length).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  test('start with the default Node first on PATH and answer their cheap form without a stack trace', async () => {
    const failures: string[] = [];
    const queue = [...runs.values()];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { code, output } = await run(next.command);
        const what = next.command.join(' ');
        if (STACK_TRACE.test(output)) failures.push(`${what}: stack trace:\n${output}`);
        else if (!next.codes.includes(code)) failures.push(`${what}: exit ${code}, wanted ${next.codes}:\n${output}`);
        else if (!next.expect.test(output)) failures.push(`${what}: output lacks ${next.expect}:\n${output}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    expect(runs.size).toBeGreaterThan(10);
  }, 300_000);
});

describe('entry points started directly with the default Node', () => {
  const entries = [
    'dist/workers/main.js',
    'dist/client/cli.js',
    'dist/workers/codec-server.js',
    'dist/workers/register-search-attributes.js',
    'dist/workers/bundle-workflows.js',
    'dist/controller/main.js',
  ];
  const systemNode = join(SYSTEM_NODE_DIR, 'node');

  test('say in one line which Node they need, or answer --help when it is new enough', async () => {
    expect(existsSync(systemNode)).toBe(true);
    const version = (await run([systemNode, '--version'])).output.trim().slice(1);
    const old = version.localeCompare(MINIMUM_NODE, undefined, { numeric: true }) < 0;
    for (const entry of entries) {
      const { code, output } = await run([systemNode, entry, '--help'], 30_000);
      expect(output).not.toMatch(STACK_TRACE);
      if (old) {
        expect(code).toBe(1);
        expect(output.trim().split('\n')).toHaveLength(1);
        expect(output).toContain(`needs Node.js ${MINIMUM_NODE} or newer and this is Node.js ${version}`);
      } else {
        expect(code).toBe(0);
        expect(output).toMatch(/usage/i);
      }
    }
  }, 120_000);
});

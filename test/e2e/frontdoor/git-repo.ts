// A Git repository for the GitOps e2e test: a bare repository under the Git server's root and a working clone that
// pushes to it over the server's HTTP (the way a user's `git push` reaches the repository Flux watches).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

export interface GitRepo {
  /** What source-controller clones: http://127.0.0.1:PORT/NAME.git */
  url: string;
  /** Writes (string) or deletes (null) files, commits, pushes; resolves with the new commit's SHA. */
  commit(files: Record<string, string | null>, message: string): Promise<string>;
}

const git = (cwd: string, args: string[]) =>
  execa('git', args, {
    cwd,
    env: {
      GIT_AUTHOR_NAME: 'ksit e2e',
      GIT_AUTHOR_EMAIL: 'e2e@ksit.local',
      GIT_COMMITTER_NAME: 'ksit e2e',
      GIT_COMMITTER_EMAIL: 'e2e@ksit.local',
      // Nothing from the user's ~/.gitconfig (signing, hooks) may change what the test commits.
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });

export async function createRepo(o: { root: string; name: string; serverUrl: string; workDir: string }) {
  const bare = join(o.root, `${o.name}.git`);
  await mkdir(o.root, { recursive: true });
  await git(o.root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  const url = `${o.serverUrl}/${o.name}.git`;
  await rm(o.workDir, { recursive: true, force: true });
  await mkdir(o.workDir, { recursive: true });
  await git(o.workDir, ['init', '--quiet', '--initial-branch=main']);
  await git(o.workDir, ['remote', 'add', 'origin', url]);
  const repo: GitRepo = {
    url,
    async commit(files, message) {
      for (const [path, text] of Object.entries(files)) {
        const file = join(o.workDir, path);
        if (text === null) await rm(file);
        else {
          await mkdir(dirname(file), { recursive: true });
          await writeFile(file, text);
        }
      }
      await git(o.workDir, ['add', '--all']);
      await git(o.workDir, ['commit', '--quiet', '-m', message]);
      await git(o.workDir, ['push', '--quiet', 'origin', 'main']);
      return (await git(o.workDir, ['rev-parse', 'HEAD'])).stdout.trim();
    },
  };
  return repo;
}

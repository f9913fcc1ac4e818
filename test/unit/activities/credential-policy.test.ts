// kubeconfigFile is confined to the operator's directories (links followed), the worker's own files are never
// usable, and every refusal reads the same whether or not the file exists.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { CoreV1Api } from '@kubernetes/client-node';
import { STRICT_CREDENTIALS, type CredentialPolicy } from '../../../activities/kube/credential-policy.js';
import { resolveKubeconfig } from '../../../activities/kube/credentials.js';

const root = mkdtempSync(join(tmpdir(), 'ksit-cred-'));
const allowed = join(root, 'kubeconfigs');
const outside = join(root, 'elsewhere');
mkdirSync(allowed);
mkdirSync(outside);
const GOOD = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;
writeFileSync(join(allowed, 'good.yaml'), GOOD);
writeFileSync(join(allowed, 'codec.key'), GOOD);
writeFileSync(join(outside, 'secret.yaml'), GOOD);
symlinkSync(join(outside, 'secret.yaml'), join(allowed, 'link.yaml'));

const policy: CredentialPolicy = {
  ...STRICT_CREDENTIALS,
  kubeconfigDirs: [allowed],
  reservedPaths: [join(allowed, 'codec.key')],
  reservedSecrets: ['ksit-system/ksit-codec'],
};
const noControl = (): CoreV1Api => {
  throw new Error('no control cluster');
};
const file = (path: string) => resolveKubeconfig({ kind: 'file', path }, noControl, policy);

describe('kubeconfig files', () => {
  it('reads a file in an allowed directory', async () => {
    expect((await file(join(allowed, 'good.yaml'))).context).toBe('x');
  });

  it.each([
    ['outside the allowed directories', join(outside, 'secret.yaml')],
    ['a link out of them', join(allowed, 'link.yaml')],
    ['a ../ escape', join(allowed, '..', 'elsewhere', 'secret.yaml')],
    ['one of the worker’s own files', join(allowed, 'codec.key')],
    ['a file that does not exist', join(allowed, 'missing.yaml')],
    ['the pod’s service account token', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
    ['a relative path', 'good.yaml'],
  ])('refuses %s with the one message that reveals nothing', async (_, path) => {
    await expect(file(path)).rejects.toMatchObject({
      type: 'BadCredentials',
      nonRetryable: true,
      message:
        `kubeconfig file ${path} is not usable: it must be a readable kubeconfig file (at most 1 MiB) in a ` +
        'directory the operator allows with KSIT_KUBECONFIG_DIRS (Helm chart value security.kubeconfigDirs)',
    });
  });

  it('refuses every file when no directory is listed (the default)', async () => {
    await expect(
      resolveKubeconfig({ kind: 'file', path: join(allowed, 'good.yaml') }, noControl, STRICT_CREDENTIALS),
    ).rejects.toMatchObject({ type: 'BadCredentials' });
  });
});

describe('kubeconfig Secrets', () => {
  const control = (labels: Record<string, string> | undefined) => () =>
    ({
      readNamespacedSecret: async () => ({
        metadata: { labels, resourceVersion: '1' },
        data: { kubeconfig: Buffer.from(GOOD).toString('base64') },
      }),
    }) as unknown as CoreV1Api;
  const ref = { kind: 'secret' as const, namespace: 'team-a', name: 'c1-kubeconfig', key: 'kubeconfig' };

  it('reads a Secret labelled as a ksit kubeconfig', async () => {
    const r = await resolveKubeconfig(ref, control({ 'ksit.io/kubeconfig': 'true' }), policy);
    expect(r.revision).toBe('1');
  });

  it('refuses an unlabelled Secret, naming the label', async () => {
    await expect(resolveKubeconfig(ref, control(undefined), policy)).rejects.toMatchObject({
      type: 'BadCredentials',
      message: expect.stringContaining('it needs the label ksit.io/kubeconfig=true'),
    });
  });

  it('never reads a reserved Secret (the worker’s own), even labelled', async () => {
    let read = false;
    const spy = () => {
      read = true;
      return control({ 'ksit.io/kubeconfig': 'true' })();
    };
    await expect(
      resolveKubeconfig({ ...ref, namespace: 'ksit-system', name: 'ksit-codec' }, spy, policy),
    ).rejects.toMatchObject({ type: 'BadCredentials' });
    expect(read).toBe(false);
  });
});

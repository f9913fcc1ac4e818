// What a spec could smuggle into Helm's argv or environment, and what a failed Helm run could leak, is refused or
// hidden: --set-json keeps values' types, Helm gets an allow-listed environment, owners are compared by label,
// chart repositories and manifest hosts are checked.
import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { helmEnv } from '../../../activities/helm/helm-env.js';
import { redactHelmText } from '../../../activities/helm/redact-values.js';
import {
  assertOwned,
  claimConflict,
  OWNER_LABEL,
  ownerId,
  releaseLabels,
} from '../../../activities/helm/release-owner.js';
import { setArgs } from '../../../activities/helm/set-args.js';
import { checkRepositoryUrl, STRICT_INSTALLS } from '../../../activities/install-policy.js';
import { isPrivateAddress } from '../../../activities/manifest/public-addresses.js';
import { loadManifest } from '../../../activities/manifest/load-manifest.js';

describe('setArgs', () => {
  it('passes each value as the JSON of what the YAML said: strings stay strings, commas split nothing', () => {
    expect(
      setArgs([
        { key: 'server.insecure', value: 'false' },
        { key: 'a.b', value: false },
        { key: 'list', value: 'x,y=z,{1,2}' },
        { key: 'n', value: 3 },
      ]),
    ).toEqual([
      '--set-json',
      'server.insecure="false"',
      '--set-json',
      'a.b=false',
      '--set-json',
      'list="x,y=z,{1,2}"',
      '--set-json',
      'n=3',
    ]);
  });
});

describe('helmEnv', () => {
  it('passes PATH and proxies, never the worker’s Temporal, codec, Helm or kubeconfig settings', () => {
    const env = helmEnv('/h', {
      PATH: '/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      TEMPORAL_API_KEY: 'k',
      KSIT_CODEC_KEY: 'c',
      HELM_REPOSITORY_CONFIG: '/evil',
      HELM_PLUGINS: '/evil-plugins',
      KUBECONFIG: '/root/.kube/config',
    });
    expect(env).toEqual({
      PATH: '/bin',
      HTTPS_PROXY: 'http://proxy:3128',
      HELM_CACHE_HOME: '/h/cache',
      HELM_CONFIG_HOME: '/h/config',
      HELM_DATA_HOME: '/h/data',
      HELM_PLUGINS: '/h/no-plugins',
    });
  });
});

describe('release ownership', () => {
  const mine = { namespace: 'team-a', name: 'argocd' };
  const state = (labels: Record<string, string>) => ({ exists: true, status: 'deployed', revision: 1, labels });

  it('labels installs with the owner and the pinned chart version', () => {
    expect(releaseLabels(mine, '1.2.3+build')).toBe(
      `ksit.io/owner=${ownerId(mine)},ksit.io/owner-namespace=team-a,ksit.io/owner-name=argocd,ksit.io/chart-version=1.2.3_build`,
    );
  });

  it('lets the owner touch its release, and anyone install where there is none', () => {
    expect(() => assertOwned(state({ [OWNER_LABEL]: ownerId(mine) }), mine, 'r', 'ns', 'c1', 'upgrade')).not.toThrow();
    expect(() => assertOwned({ exists: false }, mine, 'r', 'ns', 'c1', 'upgrade')).not.toThrow();
  });

  it.each([
    ['a hand-installed release', {}, 'no ksit Integration (it was installed by someone else)'],
    [
      'another Integration’s release',
      {
        [OWNER_LABEL]: ownerId({ namespace: 'team-b', name: 'argocd' }),
        'ksit.io/owner-namespace': 'team-b',
        'ksit.io/owner-name': 'argocd',
      },
      'ksit Integration team-b/argocd',
    ],
  ])('refuses %s as a conflict that names its owner', (_, labels, who) => {
    let err: unknown;
    try {
      assertOwned(state(labels), mine, 'argocd', 'argocd', 'cluster-1', 'uninstall');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as ApplicationFailure).message).toContain(`release conflict: Helm release argocd in namespace argocd`);
    expect((err as ApplicationFailure).message).toContain(`belongs to ${who}, not to Integration team-a/argocd`);
    expect((err as ApplicationFailure).message).toContain('will not uninstall it');
  });
});

describe('redactHelmText', () => {
  it('hides the install’s value strings and credential-looking pairs', () => {
    const install = { values: { auth: { password: 'hunter2-planted' } }, setValues: [{ key: 'a', value: 'tok"en-x' }] };
    const text =
      'Error: execution error at (x/templates/a.yaml:3:4): bad password hunter2-planted; "tok\\"en-x"; token=abc123 ' +
      'Authorization: Bearer eyJhbGciOi.secret';
    const out = redactHelmText(text, install);
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('en-x');
    expect(out).not.toContain('abc123');
    expect(out).not.toContain('eyJhbGciOi');
    expect(out).toContain('execution error at (x/templates/a.yaml:3:4)');
  });
});

describe('chart repositories', () => {
  it.each([
    ['https://charts.example.com', undefined],
    ['oci://registry.example.com/charts', undefined],
    ['http://127.0.0.1:8879', undefined],
    ['http://localhost:8879', undefined],
    [
      'http://charts.example.com',
      'KSIT_ALLOW_HTTP_REPOSITORIES=true (Helm chart value security.allowHttpRepositories)',
    ],
    ['https://user:pw@charts.example.com', 'must not carry credentials'],
    ['file:///etc', 'must be https:// or oci://'],
  ])('%s', (url, refusal) => {
    const check = () => checkRepositoryUrl(url, STRICT_INSTALLS);
    if (refusal) expect(check).toThrow(refusal);
    else expect(check).not.toThrow();
  });
});

describe('manifest sources', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '169.254.169.254',
    '172.20.0.1',
    '192.168.1.1',
    '::1',
    'fe80::1',
    '::ffff:10.0.0.1',
  ])('%s is private', (address) => expect(isPrivateAddress(address)).toBe(true));
  it.each(['8.8.8.8', '2001:4860:4860::8888'])('%s is public', (address) =>
    expect(isPrivateAddress(address)).toBe(false),
  );

  it.each([
    ['http://169.254.169.254/latest/meta-data', 'must be an https:// URL'],
    ['https://169.254.169.254/latest/meta-data', 'is a private, link-local or loopback address (169.254.169.254)'],
    ['https://127.0.0.1:6443/x.yaml', 'KSIT_ALLOW_PRIVATE_MANIFEST_HOSTS=true'],
    ['/etc/kubernetes/admin.conf', 'in a directory the operator allows with KSIT_SOURCE_DIRS'],
  ])('refuses %s before fetching or reading anything', async (source, message) => {
    await expect(loadManifest(source)).rejects.toMatchObject({
      type: 'InstallRejected',
      message: expect.stringContaining(message),
    });
  });
});

describe('claimConflict', () => {
  const mine = { namespace: 'team-a', name: 'argocd' };
  it('tells the owner who else claims its release, and nobody else', () => {
    const state = { exists: true, labels: { [OWNER_LABEL]: ownerId(mine) }, claimedBy: ['team-b/argocd'] };
    expect(claimConflict(state, mine, 'argocd')).toContain('release conflict: Integration team-b/argocd also claims');
    expect(claimConflict(state, { namespace: 'team-b', name: 'argocd' }, 'argocd')).toContain(
      'release conflict: Helm release argocd belongs to ksit Integration',
    );
    expect(claimConflict({ ...state, claimedBy: [] }, mine, 'argocd')).toBeUndefined();
  });
});

// Kubeconfig features that act on the worker are refused unless the operator allows each one, and the refusal
// names the field and the setting; what passes is a minimal copy of the context in use.
import { describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { parse } from 'yaml';
import {
  checkKubeconfig,
  KUBECONFIG_ALLOWANCES,
  STRICT_KUBECONFIG,
  type KubeconfigAllowance,
} from '../../../activities/kube/kubeconfig-policy.js';

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, extra = ''): string {
  return `
apiVersion: v1
kind: Config
clusters:
- {name: c, cluster: ${JSON.stringify({ server: 'https://127.0.0.1:6443', ...cluster })}}
- {name: other, cluster: {server: 'https://10.0.0.1'}}
users:
- {name: u, user: ${JSON.stringify(user)}}
- {name: laptop, user: {exec: {command: gcloud}}}
contexts:
- {name: ctx, context: {cluster: c, user: u, namespace: ns}}
- {name: laptop, context: {cluster: other, user: laptop}}
current-context: ctx
${extra}`;
}

function refusal(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ApplicationFailure);
    return err as ApplicationFailure;
  }
  throw new Error('expected a refusal');
}

const CASES: Array<[string, Record<string, unknown>, Record<string, unknown>, KubeconfigAllowance]> = [
  ['user.exec', {}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'touch' } }, 'exec'],
  ['user.auth-provider', {}, { 'auth-provider': { name: 'gcp', config: { 'cmd-path': '/bin/sh' } } }, 'authProvider'],
  ['user.token-file', {}, { 'token-file': '/etc/ksit/codec/key' }, 'filePaths'],
  ['user.tokenFile', {}, { tokenFile: '/etc/passwd' }, 'filePaths'],
  ['user.client-key', {}, { 'client-key': '/root/key.pem' }, 'filePaths'],
  ['cluster.certificate-authority', { 'certificate-authority': '/etc/ssl/x.pem' }, { token: 't' }, 'filePaths'],
  ['cluster.proxy-url', { 'proxy-url': 'http://attacker:3128' }, { token: 't' }, 'proxyUrl'],
  ['cluster.insecure-skip-tls-verify', { 'insecure-skip-tls-verify': true }, { token: 't' }, 'insecureTls'],
  ['cluster.server (plain http)', { server: 'http://127.0.0.1:8080' }, { token: 't' }, 'insecureTls'],
];

describe('checkKubeconfig', () => {
  it.each(CASES)('refuses %s, naming the field and the setting that allows it', (field, cluster, user, allowance) => {
    const err = refusal(() => checkKubeconfig(kubeconfig(cluster, user), undefined, 'Secret a/b', STRICT_KUBECONFIG));
    expect(err.nonRetryable).toBe(true);
    expect(err.type).toBe('BadCredentials');
    expect(err.message).toContain(`kubeconfig from Secret a/b: ${field} is refused`);
    expect(err.message).toContain(`${KUBECONFIG_ALLOWANCES[allowance].env}=true`);
    expect(err.message).toContain(KUBECONFIG_ALLOWANCES[allowance].chart);
  });

  it.each(CASES)('passes %s on when the operator allows exactly that', (field, cluster, user, allowance) => {
    const allow = { ...STRICT_KUBECONFIG, [allowance]: true };
    const out = parse(checkKubeconfig(kubeconfig(cluster, user), undefined, 'f', allow).yaml) as {
      users: Array<{ user: Record<string, unknown> }>;
    };
    expect(out.users[0]?.user).toEqual(user);
  });

  it('keeps only the context in use, its cluster and user, and known fields', () => {
    const text = kubeconfig({ extensions: [{ name: 'x' }] }, { token: 'secret-token', weird: 1 }, 'preferences: {}');
    const checked = checkKubeconfig(text, undefined, 'f', STRICT_KUBECONFIG);
    expect(checked.context).toBe('ctx');
    expect(parse(checked.yaml)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'ctx',
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', namespace: 'ns' } }],
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user: { token: 'secret-token' } }],
    });
  });

  it('checks the context the target names, not the current one', () => {
    const err = refusal(() => checkKubeconfig(kubeconfig({}, { token: 't' }), 'laptop', 'f', STRICT_KUBECONFIG));
    expect(err.message).toContain('user.exec is refused');
  });

  it('says where a YAML error is without quoting the line (it may hold a token)', () => {
    const err = refusal(() =>
      checkKubeconfig('users:\n- name: u\n  user: {token: "sup3r-secret\n', undefined, 'f', STRICT_KUBECONFIG),
    );
    expect(err.message).toMatch(/not valid YAML \(line \d+, column \d+\)/);
    expect(err.message).not.toContain('sup3r');
  });

  it('refuses a kubeconfig that expands aliases without bound', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${'b'.repeat(i + 1)}: &b${i} [${Array(10)
          .fill(i ? `*b${i - 1}` : '*a')
          .join(', ')}]`,
      );
    const err = refusal(() => checkKubeconfig(bomb.join('\n'), undefined, 'f', STRICT_KUBECONFIG));
    expect(err.message).toContain('aliases');
  });

  it('names a missing context, cluster or server', () => {
    expect(refusal(() => checkKubeconfig(kubeconfig({}, {}), 'nope', 'f', STRICT_KUBECONFIG)).message).toContain(
      'no context named "nope"',
    );
    expect(
      refusal(() => checkKubeconfig(kubeconfig({ server: 'file:///etc' }, {}), undefined, 'f', STRICT_KUBECONFIG))
        .message,
    ).toContain('cluster.server must be an https:// URL');
  });
});

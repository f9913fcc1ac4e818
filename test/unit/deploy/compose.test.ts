// docker-compose.yml, checked without a Docker engine: every file it mounts exists, every service it depends on
// is defined, the ksit services are hardened and run entry points that exist, and the pieces agree with each
// other (scrape job and port, rule file and dashboard paths, codec endpoint and CORS, shared codec key).
// `docker compose config` needs the compose plugin, which this machine lacks: see deploy/helm/ksit/README.md.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../spec/fixture-paths.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  read_only?: boolean;
  user?: string;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  tmpfs?: string[];
  profiles?: string[];
  network_mode?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const COMPOSE_FILE = join(PROJECT_ROOT, 'docker-compose.yml');
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as Compose;
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};
/** ${VAR:-default} -> default, as compose interpolates with no such variable set. */
const interpolate = (s: string) => s.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
const KSIT_SERVICES = ['temporal-setup', 'codec-key', 'ksit-worker', 'codec-server', 'ksit'];
// Entry points whose source another change adds (the codec server): checked once it exists.
const PENDING_ENTRY_POINTS = new Set(['dist/workers/codec-server.js']);

const mounts = (s: Service) =>
  (s.volumes ?? []).map((v) => {
    const [source = '', target = '', mode] = interpolate(v).split(':');
    return { source, target, mode };
  });

describe('docker-compose.yml', () => {
  it('has the whole stack: Temporal + PostgreSQL, UI, codec server, worker, Prometheus, Grafana', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'postgresql',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'codec-key',
        'codec-server',
        'ksit-worker',
        'ksit',
        'prometheus',
        'grafana',
      ].sort(),
    );
    expect(service('temporal').environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
  });

  it('every bind mount exists, every named volume is declared, every dependency is a service', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const { source, target, mode } of mounts(s)) {
        if (source.startsWith('.') || source.startsWith('/')) {
          expect({ name, source, exists: existsSync(join(PROJECT_ROOT, source)) }).toEqual({
            name,
            source,
            exists: true,
          });
          // Configuration goes in read-only.
          expect({ name, source, mode }).toEqual({ name, source, mode: 'ro' });
        } else {
          expect({ name, volume: source, declared: source in compose.volumes }).toEqual({
            name,
            volume: source,
            declared: true,
          });
        }
        expect(target.startsWith('/')).toBe(true);
      }
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps)
        expect({ name, dependsOn: d, defined: d in services }).toEqual({ name, dependsOn: d, defined: true });
    }
    // The ordering that matters: the worker waits for search attributes and the codec key.
    expect(service('ksit-worker').depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
      'codec-key': { condition: 'service_completed_successfully' },
    });
    expect(service('codec-server').depends_on).toMatchObject({
      'codec-key': { condition: 'service_completed_successfully' },
    });
  });

  it('ksit services run the Dockerfile image hardened, with entry points that exist', () => {
    for (const name of KSIT_SERVICES) {
      const s = service(name);
      expect({ name, build: s.build }).toEqual({ name, build: { context: '.', dockerfile: 'Dockerfile' } });
      expect(existsSync(join(PROJECT_ROOT, s.build?.dockerfile ?? ''))).toBe(true);
      expect({ name, read_only: s.read_only, cap_drop: s.cap_drop, security_opt: s.security_opt }).toEqual({
        name,
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
      });
      // Only the key generator is root, for one chown, with no network.
      if (name === 'codec-key') {
        expect(s).toMatchObject({ user: '0:0', cap_add: ['CHOWN'], network_mode: 'none' });
      } else {
        expect({ name, user: s.user, cap_add: s.cap_add }).toEqual({ name, user: '65532:65532', cap_add: undefined });
      }
      const entry = [...(s.entrypoint ?? []), ...(s.command ?? [])].find((a) => a.startsWith('dist/'));
      if (name === 'codec-key') continue;
      expect(entry).toBeDefined();
      const source = (entry ?? '').replace(/^dist\//, '').replace(/\.js$/, '.ts');
      if (!existsSync(join(PROJECT_ROOT, source)) && PENDING_ENTRY_POINTS.has(entry ?? '')) continue;
      expect({ name, source, exists: existsSync(join(PROJECT_ROOT, source)) }).toEqual({ name, source, exists: true });
    }
    expect(service('ksit-worker').tmpfs?.[0]).toMatch(/^\/tmp:/);
  });

  it('Temporal runs the dynamic config the local PostgreSQL server is measured with, without forced refreshes', () => {
    const file = 'deploy/temporal/dynamicconfig.yaml';
    const mount = mounts(service('temporal')).find((m) => m.source === `./${file}`);
    expect(mount?.target).toBeDefined();
    expect(service('temporal').environment?.DYNAMIC_CONFIG_FILE_PATH).toBe(mount?.target);
    expect(readFileSync(join(PROJECT_ROOT, 'deploy/local/temporal-postgres.sh'), 'utf8')).toContain(
      'cp "$here/../temporal/dynamicconfig.yaml"',
    );
    const settings = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8')) as Record<string, { value: unknown }[]>;
    expect(settings['system.forceSearchAttributesCacheRefreshOnRead']).toEqual([{ value: false }]);
  });

  it('published ports listen on loopback only', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? [])
        expect({ name, port: interpolate(p) }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
    }
  });

  it('Prometheus scrapes the worker on its metrics port under the alerts job name, and loads the chart rules', () => {
    const prometheus = service('prometheus');
    const config = mounts(prometheus).find((m) => m.target === '/etc/prometheus/prometheus.yml');
    const rules = mounts(prometheus).find((m) => m.source.endsWith('alerts.yaml'));
    expect(rules?.source).toBe('./deploy/helm/ksit/files/alerts.yaml');
    const cfg = parse(readFileSync(join(PROJECT_ROOT, config?.source ?? ''), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[];
    };
    const glob = new RegExp(`^${(cfg.rule_files[0] ?? '').replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
    expect(rules?.target).toMatch(glob);
    const job = cfg.scrape_configs.find((j) => j.job_name === 'ksit-worker');
    expect(job?.dns_sd_configs?.[0]).toMatchObject({
      names: ['ksit-worker'],
      port: Number(service('ksit-worker').environment?.KSIT_HTTP_PORT),
    });
  });

  it('Grafana gets the Prometheus data source and the chart dashboard where its provider looks', () => {
    const grafana = service('grafana');
    const provisioning = mounts(grafana).find((m) => m.target === '/etc/grafana/provisioning');
    const dashboards = mounts(grafana).find((m) => m.source === './deploy/helm/ksit/files/dashboards');
    const provider = parse(
      readFileSync(join(PROJECT_ROOT, provisioning?.source ?? '', 'dashboards', 'ksit.yaml'), 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    expect(provider.providers[0]?.options.path).toBe(dashboards?.target);
    const datasource = parse(
      readFileSync(join(PROJECT_ROOT, provisioning?.source ?? '', 'datasources', 'prometheus.yaml'), 'utf8'),
    ) as { datasources: { url: string; type: string }[] };
    expect(datasource.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const home = interpolate(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '');
    expect(home.startsWith(`${dashboards?.target}/`)).toBe(true);
    expect(
      existsSync(join(PROJECT_ROOT, dashboards?.source ?? '', home.slice((dashboards?.target.length ?? 0) + 1))),
    ).toBe(true);
  });

  it('the Web UI decodes through the codec server, which admits the UI origin; all share one codec key', () => {
    const ui = service('temporal-ui').environment ?? {};
    const codec = service('codec-server');
    const published = interpolate(codec.ports?.[0] ?? '').split(':');
    expect(interpolate(ui.TEMPORAL_CODEC_ENDPOINT ?? '')).toBe(`http://127.0.0.1:${published[1]}`);
    expect(published[2]).toBe(codec.environment?.KSIT_CODEC_PORT);
    expect(codec.environment?.KSIT_CODEC_HOST).toBe('0.0.0.0');
    const uiPort = interpolate(service('temporal-ui').ports?.[0] ?? '').split(':')[1];
    expect(interpolate(codec.environment?.KSIT_CODEC_CORS_ORIGINS ?? '').split(',')).toContain(
      `http://127.0.0.1:${uiPort}`,
    );
    for (const name of ['ksit-worker', 'codec-server', 'ksit']) {
      const s = service(name);
      expect({ name, key: s.environment?.KSIT_CODEC_KEY_FILE }).toEqual({ name, key: '/keys/codec.key' });
      expect(mounts(s)).toContainEqual({ source: 'codec-key', target: '/keys', mode: 'ro' });
    }
    expect(mounts(service('codec-key'))).toContainEqual({ source: 'codec-key', target: '/keys', mode: undefined });
    expect(service('codec-key').command?.join(' ')).toContain("'/keys/codec.key'");
  });
});

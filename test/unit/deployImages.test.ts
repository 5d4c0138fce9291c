/**
 * Configurations that a container image completes at start (server/src/deploy/images.ts): what pgtls knows of the
 * pgpool/pgpool and bitnami/pgpool entrypoints, how it finds the container that runs a file (a compose bind mount, a
 * Kubernetes ConfigMap volume, a ConfigMap that is not in the workspace mounted where the image reads), and what the
 * pgpool.conf checks then say, through the service on real folders.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { imageRun, type ImageContainer } from '../../server/src/deploy/images';
import type { Problem } from '../../server/src/core/types';
import { check, testService } from '../helpers';

const container = (c: Partial<ImageContainer>): ImageContainer => ({ image: 'pgpool/pgpool:4.5', env: {}, where: 'x', certain: true, mountPaths: [], ...c });

test('pgpool/pgpool: a file at /config/pgpool.conf gets ssl_key/ssl_cert appended when ssl is on, or when a TLS Secret is mounted', () => {
  const run = imageRun(container({ deployPath: '/config/pgpool.conf' }))!;
  assert.equal(run.role, 'whole');
  assert.deepEqual(run.after(k => (k === 'ssl' ? 'on' : undefined)), { ssl_key: '/opt/pgpool-II/tls/tls.key', ssl_cert: '/opt/pgpool-II/tls/tls.crt' });
  assert.deepEqual(run.after(k => (k === 'ssl' ? "'off'" : undefined)), {});
  const mounted = imageRun(container({ deployPath: '/config/pgpool.conf', mountPaths: ['/config', '/config/tls/'] }))!;
  assert.equal(mounted.after(() => undefined).ssl, 'on');
  // PGPOOL_ENABLE_POOL_PASSWD off: the entrypoint also turns on ssl and pool_hba.conf.
  const noPasswd = imageRun(container({ deployPath: '/config/pgpool.conf', env: { PGPOOL_ENABLE_POOL_PASSWD: 'false' } }))!;
  assert.equal(noPasswd.after(() => undefined).enable_pool_hba, 'on');
  // Another folder (PGPOOL_CONF_VOLUME moves it), another image, another path: nothing known.
  assert.ok(imageRun(container({ deployPath: '/etc/pgpool/pgpool.conf', env: { PGPOOL_CONF_VOLUME: '/etc/pgpool' } })));
  assert.equal(imageRun(container({ deployPath: '/etc/pgpool2/pgpool.conf' })), undefined);
  assert.ok(imageRun(container({ image: 'docker.io/pgpool/pgpool@sha256:abc', deployPath: '/config/pgpool.conf' })));
  assert.equal(imageRun(container({ image: 'acme/pgpool/pgpool-exporter:1', deployPath: '/config/pgpool.conf' })), undefined);
});

test('bitnami/pgpool: only the file PGPOOL_USER_CONF_FILE names is a fragment, after the generated settings the environment decides', () => {
  const env = { PGPOOL_USER_CONF_FILE: '/config/custom.conf' };
  const run = imageRun(container({ image: 'docker.io/bitnami/pgpool:4', env, deployPath: '/config/custom.conf' }))!;
  assert.equal(run.role, 'fragment');
  assert.deepEqual(run.before, { listen_addresses: '*', enable_pool_hba: 'on', allow_clear_text_frontend_auth: 'off' });
  const noHba = imageRun(container({ image: 'bitnami/pgpool', env: { ...env, PGPOOL_ENABLE_POOL_HBA: 'no', PGPOOL_ENABLE_TLS: 'yes', PGPOOL_TLS_CERT_FILE: '/c/t.crt' }, deployPath: '/config/custom.conf' }))!;
  assert.equal(noHba.before.enable_pool_hba, 'off');
  assert.equal(noHba.before.ssl, 'on');
  assert.equal(noHba.before.ssl_cert, '/c/t.crt');
  assert.equal(imageRun(container({ image: 'bitnami/pgpool', env, deployPath: '/config/other.conf' })), undefined);
  assert.equal(imageRun(container({ image: 'bitnami/pgpool', deployPath: '/config/custom.conf' })), undefined);
});

function workspace(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgtls-images-')));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function run(dir: string, rel: string): Problem[] {
  const svc = testService({ roots: () => [dir] });
  const file = path.join(dir, rel);
  return check(svc, file, fs.readFileSync(file, 'utf8'), {});
}
const rules = (ps: Problem[]) => ps.map(p => `${p.rule}:${p.severity}`).sort();

const DEPLOYMENT = (image: string, mountPath = '/config', configMap = 'pgpool-config') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: pgpool }
spec:
  template:
    spec:
      containers:
        - name: pgpool
          image: ${image}
          volumeMounts:
            - { name: cfg, mountPath: ${mountPath} }
      volumes:
        - name: cfg
          configMap: { name: ${configMap} }
`;
const SSL_ONLY = "listen_addresses = '*'\nenable_pool_hba = on\nssl = on\n";

test('a ConfigMap not in the workspace, mounted where pgpool/pgpool reads: no error for the ssl_cert/ssl_key it appends, and the note says what it assumes', () => {
  const dir = workspace({ 'deployment.yaml': DEPLOYMENT('pgpool/pgpool:4.5.4'), 'config/pgpool.conf': SSL_ONLY });
  try {
    const got = run(dir, 'config/pgpool.conf');
    assert.deepEqual(rules(got), ['pgpool-conf/image-completes:info']);
    assert.match(got[0]!.message, /pgpool\/pgpool image \(deployment\.yaml, Deployment pgpool, container pgpool; this assumes/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('pgpool/pgpool appends ssl_cert/ssl_key after the file: the file\'s own paths are not what Pgpool-II uses, so they are not checked', () => {
  // Without the image, these paths are checked (missing files: errors); with it, the image's appended lines win.
  const own = `${SSL_ONLY}ssl_cert = '/config/missing.crt'\nssl_key = ''\n`;
  const dir = workspace({ 'deployment.yaml': DEPLOYMENT('pgpool/pgpool:4.5.4'), 'config/pgpool.conf': own });
  const alone = workspace({ 'config/pgpool.conf': own });
  try {
    const got = run(dir, 'config/pgpool.conf');
    assert.deepEqual(rules(got), ['pgpool-conf/image-completes:info']);
    assert.match(got[0]!.message, /this file's "ssl_cert" and "ssl_key" are not what Pgpool-II uses/);
    assert.match(got[0]!.message, /ssl_key = '\/opt\/pgpool-II\/tls\/tls\.key'/);
    const without = rules(run(alone, 'config/pgpool.conf'));
    assert.ok(without.includes('pgpool-conf/ssl-key-required:error'), without.join(' '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(alone, { recursive: true, force: true });
  }
});

test('the errors stay where no known image runs the file: another image, another mount path, a ConfigMap in the workspace without the file', () => {
  const cases: Record<string, string>[] = [
    { 'deployment.yaml': DEPLOYMENT('postgres:15') },
    { 'deployment.yaml': DEPLOYMENT('pgpool/pgpool:4.5.4', '/etc/pgpool') },
    {
      'deployment.yaml': DEPLOYMENT('pgpool/pgpool:4.5.4'),
      'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: pgpool-config }\ndata:\n  pool_hba.conf: "local all all trust"\n',
    },
  ];
  for (const files of cases) {
    const dir = workspace({ ...files, 'config/pgpool.conf': SSL_ONLY });
    try {
      assert.deepEqual(rules(run(dir, 'config/pgpool.conf')), ['pgpool-conf/ssl-cert-required:error', 'pgpool-conf/ssl-key-required:error'], Object.keys(files).join(' '));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a bitnami fragment is judged with the generated settings: allow_clear_text_frontend_auth is ignored with the image\'s pool_hba.conf, and warned about without it', () => {
  const compose = (hba: string) => `services:\n  pgpool:\n    image: bitnami/pgpool:4\n    volumes:\n      - ./my.conf:/config/my.conf:ro\n    environment:\n      PGPOOL_USER_CONF_FILE: /config/my.conf\n      PGPOOL_ENABLE_POOL_HBA: "${hba}"\n`;
  const text = 'allow_clear_text_frontend_auth = on\n';
  for (const [hba, expected] of [
    ['yes', ['pgpool-conf/clear-text-frontend-auth-ignored:hint', 'pgpool-conf/image-completes:info']],
    // The image's listen_addresses = '*' puts pgpool on the network: a warning, not Pgpool-II's loopback-only info.
    ['no', ['pgpool-conf/clear-text-frontend-auth:warning', 'pgpool-conf/image-completes:info']],
  ] as const) {
    const dir = workspace({ 'docker-compose.yml': compose(hba), 'my.conf': text });
    try {
      fs.renameSync(path.join(dir, 'my.conf'), path.join(dir, 'my.pgpool.conf'));
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), compose(hba).replace('./my.conf', './my.pgpool.conf'));
      assert.deepEqual(rules(run(dir, 'my.pgpool.conf')), [...expected], `PGPOOL_ENABLE_POOL_HBA=${hba}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

/**
 * The deployment readers of deploy/ on their own: Docker Compose volumes (short and long syntax, secrets, configs,
 * builds), Dockerfile COPY/ADD (flags, several sources, exec form, WORKDIR, ENV, stages, heredocs), and Kubernetes
 * Secret/ConfigMap volumes (items, subPath, projected). Bad input yields nothing and never throws.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { COMPOSE_FILE, composeFacts } from '../../server/src/deploy/compose';
import { yamlDocuments } from '../../server/src/deploy/data';
import { DOCKERFILE, dockerInstructions, dockerfileCopies } from '../../server/src/deploy/dockerfile';
import { mountTree, podMounts, resourceFiles, type ResourceFiles } from '../../server/src/deploy/kubernetes';

const compose = (text: string, dir = '/ws') => composeFacts(yamlDocuments(text)[0], dir);

test('compose: short syntax bind mounts (with modes), relative to the compose file; named and anonymous volumes are not mappings', () => {
  const f = compose([
    'services:',
    '  pgpool:',
    '    volumes:',
    '      - ./certs:/etc/pgpool2/certs:ro',
    '      - ../shared/pgpool.conf:/etc/pgpool2/pgpool.conf',
    '      - /srv/keys:/keys:ro,z',
    '      - pgdata:/var/lib/postgresql/data',
    '      - /anonymous',
    '      - ~/certs:/home-certs',
    '      - ${CERTS:-./certs}:/env-certs',
    '      - ./rel:relative/target',
    '      - C:\\certs:/win-certs:ro',
    'volumes:',
    '  pgdata: {}',
  ].join('\n'), '/ws/deploy');
  assert.deepEqual(f.mounts.map(m => [m.target, m.source, m.kind, m.service]), [
    ['/etc/pgpool2/certs', '/ws/deploy/certs', 'bind', 'pgpool'],
    ['/etc/pgpool2/pgpool.conf', '/ws/shared/pgpool.conf', 'bind', 'pgpool'],
    ['/keys', '/srv/keys', 'bind', 'pgpool'],
    ['/win-certs', 'C:\\certs', 'bind', 'pgpool'],
  ]);
});

test('compose: long syntax (type: bind only; its source is always a path), file-backed secrets and configs, builds', () => {
  const f = compose([
    'services:',
    '  pgpool:',
    '    build:',
    '      context: ./image',
    '      dockerfile: Dockerfile.pgpool',
    '      target: final',
    '    volumes:',
    '      - type: bind',
    '        source: ./tls',
    '        target: /etc/pgpool2/tls',
    '        read_only: true',
    '      - { type: volume, source: data, target: /data }',
    '      - { type: tmpfs, target: /tmp }',
    '      - { type: bind, source: example/initdb.d/, target: /docker-entrypoint-initdb.d/ }',
    '      - { type: bind, source: "C:/volumes/pg/certs", target: /certs }',
    '    secrets:',
    '      - server_key',
    '      - { source: server_crt, target: server.crt }',
    '      - { source: ca, target: /etc/ssl/ca.crt }',
    '      - external_one',
    '    configs:',
    '      - pgpool_conf',
    '      - { source: pgpool_conf, target: /etc/pgpool2/pgpool.conf }',
    '  backend:',
    '    build: ./postgres',
    '  remote:',
    '    build: https://github.com/example/image.git#main',
    'secrets:',
    '  server_key: { file: ./tls/server.key }',
    '  server_crt: { file: tls/server.crt }',
    '  ca: { file: /srv/ca.crt }',
    '  external_one: { external: true }',
    'configs:',
    '  pgpool_conf: { file: ./pgpool.conf }',
  ].join('\n'));
  assert.deepEqual(f.mounts.map(m => [m.target, m.source, m.kind]), [
    ['/etc/pgpool2/tls', '/ws/tls', 'bind'],
    ['/docker-entrypoint-initdb.d/', '/ws/example/initdb.d', 'bind'],
    ['/certs', 'C:/volumes/pg/certs', 'bind'],
    ['/run/secrets/server_key', '/ws/tls/server.key', 'secret'],
    ['/run/secrets/server.crt', '/ws/tls/server.crt', 'secret'],
    ['/etc/ssl/ca.crt', '/srv/ca.crt', 'secret'],
    ['/pgpool_conf', '/ws/pgpool.conf', 'config'],
    ['/etc/pgpool2/pgpool.conf', '/ws/pgpool.conf', 'config'],
  ]);
  assert.deepEqual(f.builds, [
    { service: 'pgpool', context: '/ws/image', dockerfile: '/ws/image/Dockerfile.pgpool', target: 'final' },
    { service: 'backend', context: '/ws/postgres', dockerfile: '/ws/postgres/Dockerfile' },
  ]);
});

test('compose: file names, and junk that yields nothing', () => {
  for (const n of ['docker-compose.yml', 'docker-compose.prod.yaml', 'compose.yaml', 'compose.override.yml', 'Docker-Compose.YML']) assert.ok(COMPOSE_FILE.test(n), n);
  for (const n of ['compose.json', 'my-compose.yml', 'docker-compose.yml.bak', 'values.yaml']) assert.ok(!COMPOSE_FILE.test(n), n);
  for (const text of ['', 'services: 3', 'services: [a, b]', 'services:\n  a: null\n  b: { volumes: 7 }\n  c: { volumes: [3, null, {type: bind}] }',
    'a: &a [*a]', ': : :', 'services:\n  x:\n    volumes:\n      - "./a:/b:c:d:e"', '{{ .Values.x }}']) {
    assert.doesNotThrow(() => compose(text), text);
    assert.deepEqual(compose(text).mounts, [], text);
  }
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
  assert.deepEqual(yamlDocuments(bomb), [], 'a billion-laughs document yields nothing');
});

test('Dockerfile: COPY with --chown/--chmod and several sources, exec form, WORKDIR and ENV, last stage only', () => {
  const copies = dockerfileCopies([
    '# syntax=docker/dockerfile:1',
    'FROM golang:1.22 AS build',
    'COPY . /src',
    'FROM debian:12',
    'ENV PGPOOL_DIR=/etc/pgpool2 OTHER="two words"',
    'ARG CERTS=certs',
    'COPY --chown=postgres:postgres --chmod=600 certs/server.key certs/server.crt \\',
    '     ${PGPOOL_DIR}/tls/',
    'COPY ["conf/pgpool.conf", "$PGPOOL_DIR/pgpool.conf"]',
    'WORKDIR /opt/pgpool',
    'WORKDIR etc',
    'COPY pool_hba.conf .',
    'COPY --from=build /src/bin /usr/local/bin/',
    'COPY $CERTS/ca.crt /etc/ssl/ca.crt',
    'ADD https://example.com/root.crt /etc/ssl/root.crt',
    'ADD bundle.tar.gz /opt/bundle/',
    'ADD extra/ /opt/extra/',
    'copy lower.case /lower',
  ].join('\n'));
  assert.deepEqual(copies.map(c => [c.sources, c.dest, c.destIsDir, c.add]), [
    [['certs/server.key', 'certs/server.crt'], '/etc/pgpool2/tls', true, false],
    [['conf/pgpool.conf'], '/etc/pgpool2/pgpool.conf', false, false],
    [['pool_hba.conf'], '/opt/pgpool/etc', false, false],
    [['extra/'], '/opt/extra', true, true],
    [['lower.case'], '/lower', false, false],
  ], 'no --from copy, no build argument, no remote source, no archive; the first stage is not the image');
});

test('Dockerfile: heredocs, comments in continuations, the escape directive, stages by target and inherited ENV', () => {
  const text = [
    '# escape=`',
    'FROM alpine AS base',
    'ENV D=/etc/pgpool2',
    'WORKDIR /app',
    'RUN <<EOF',
    'COPY fake /not-an-instruction',
    'EOF',
    'COPY <<-CONF /etc/inline.conf',
    '\tport = 1',
    '\tCONF',
    'COPY a.crt `',
    '# a comment inside the continuation',
    '     $D/',
    'FROM base AS final',
    'COPY b.crt ./',
    'FROM scratch AS other',
    'COPY c.crt rel/',
  ].join('\n');
  assert.deepEqual(dockerInstructions(text).map(i => i.op), ['FROM', 'ENV', 'WORKDIR', 'RUN', 'COPY', 'COPY', 'FROM', 'COPY', 'FROM', 'COPY']);
  assert.deepEqual(dockerfileCopies(text, 'final').map(c => [c.sources, c.dest]), [[['a.crt'], '/etc/pgpool2'], [['b.crt'], '/app']],
    'final inherits base\'s files, ENV and WORKDIR');
  assert.deepEqual(dockerfileCopies(text).map(c => c.dest), [], 'the last stage: a relative destination without WORKDIR is unknown');
  assert.deepEqual(dockerfileCopies(text, 'nope'), []);
  for (const n of ['Dockerfile', 'Containerfile', 'Dockerfile.pgpool', 'pgpool.Dockerfile', 'dockerfile']) assert.ok(DOCKERFILE.test(n), n);
  for (const n of ['Dockerfile.txt/x', 'notes.md', 'Dockerfiles']) assert.ok(!DOCKERFILE.test(n), n);
  for (const bad of ['', 'COPY', 'COPY a', 'FROM', 'FROM x\nCOPY ["a", 3]\nCOPY [broken\nCOPY \\', '\\\n\\\n', 'FROM x\nENV\nWORKDIR\nCOPY $X /a']) {
    assert.doesNotThrow(() => dockerfileCopies(bad), bad);
  }
});

const manifests = (text: string) => yamlDocuments(text);

test('Kubernetes: Secret and ConfigMap volumes with items, subPath and projected sources, per container', () => {
  const docs = manifests([
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata: { name: pgpool, namespace: db }',
    'spec:',
    '  template:',
    '    spec:',
    '      initContainers:',
    '        - name: init',
    '          volumeMounts: [{ name: tls, mountPath: /init/tls }]',
    '      containers:',
    '        - name: pgpool',
    '          volumeMounts:',
    '            - { name: tls, mountPath: /etc/pgpool2/tls, readOnly: true }',
    '            - { name: ca, mountPath: /etc/pgpool2/root.crt, subPath: root.crt }',
    '            - { name: both, mountPath: /etc/projected }',
    '            - { name: data, mountPath: /data }',
    '            - { name: tls, mountPath: /expr, subPathExpr: "$(POD)" }',
    '      volumes:',
    '        - name: tls',
    '          secret: { secretName: pgpool-tls, defaultMode: 0600 }',
    '        - name: ca',
    '          secret:',
    '            secretName: pgpool-tls',
    '            items: [{ key: ca.crt, path: root.crt }]',
    '        - name: both',
    '          projected:',
    '            sources:',
    '              - secret: { name: pgpool-tls, items: [{ key: tls.crt, path: certs/server.crt }] }',
    '              - configMap: { name: pgpool-config }',
    '              - downwardAPI: { items: [] }',
    '        - name: data',
    '          persistentVolumeClaim: { claimName: data }',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata: { name: pgpool-tls, namespace: db }',
    'data:',
    `  tls.crt: ${btoa('CERT')}`,
    `  ca.crt: |`,
    `    ${btoa('CA-CERT-WITH-A-LONGER-BODY').slice(0, 12)}`,
    `    ${btoa('CA-CERT-WITH-A-LONGER-BODY').slice(12)}`,
    '  bad: "!!not base64"',
    'stringData:',
    '  tls.key: KEY',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: pgpool-config }',
    'data: { pgpool.conf: "port = 9999" }',
    `binaryData: { blob: ${btoa('BLOB')} }`,
  ].join('\n'));
  const mounts = docs.flatMap(podMounts);
  assert.deepEqual(mounts.map(m => [m.owner, m.mountPath, m.subPath ?? null, m.sources.map(s => `${s.kind}/${s.name}`), m.modelled]), [
    ['StatefulSet pgpool, container init', '/init/tls', null, ['Secret/pgpool-tls'], true],
    ['StatefulSet pgpool, container pgpool', '/etc/pgpool2/tls', null, ['Secret/pgpool-tls'], true],
    ['StatefulSet pgpool, container pgpool', '/etc/pgpool2/root.crt', 'root.crt', ['Secret/pgpool-tls'], true],
    ['StatefulSet pgpool, container pgpool', '/etc/projected', null, ['Secret/pgpool-tls', 'ConfigMap/pgpool-config'], false],
  ], 'no PVC, no subPathExpr');
  const resources = docs.map(resourceFiles).filter((r): r is ResourceFiles => !!r);
  assert.deepEqual(resources.map(r => [r.kind, r.name, r.namespace ?? null, [...r.entries].map(([k, v]) => [k, v.text ?? null])]), [
    ['Secret', 'pgpool-tls', 'db', [['tls.crt', 'CERT'], ['ca.crt', 'CA-CERT-WITH-A-LONGER-BODY'], ['bad', null], ['tls.key', 'KEY']]],
    ['ConfigMap', 'pgpool-config', null, [['blob', 'BLOB'], ['pgpool.conf', 'port = 9999']]],
  ]);
  const find = (s: { kind: string; name: string }, ns?: string) => resources.find(r => r.kind === s.kind && r.name === s.name && (!ns || !r.namespace || r.namespace === ns));
  const files = (i: number) => {
    const t = mountTree(mounts[i]!, find);
    return t && [[...t.files].map(([k, v]) => [k, v.text ?? null]), t.complete];
  };
  assert.deepEqual(files(1), [[['tls.crt', 'CERT'], ['ca.crt', 'CA-CERT-WITH-A-LONGER-BODY'], ['bad', null], ['tls.key', 'KEY']], true]);
  assert.deepEqual(files(2), [[['', 'CA-CERT-WITH-A-LONGER-BODY']], true], 'items then subPath: the file itself');
  assert.deepEqual(files(3), [[['certs/server.crt', 'CERT'], ['blob', 'BLOB'], ['pgpool.conf', 'port = 9999']], false], 'projected: the downwardAPI files are unknown');
  assert.equal(mountTree(mounts[1]!, () => undefined), undefined, 'a Secret that is not in the workspace: nothing certain');
});

test('Kubernetes: every workload kind, and junk that yields nothing', () => {
  const pod = (kind: string, path: string) => {
    const spec = '{ containers: [{ name: c, volumeMounts: [{ name: v, mountPath: /m }] }], volumes: [{ name: v, configMap: { name: cm } }] }';
    const body = path.split('.').reduceRight((inner, key) => `{ ${key}: ${inner} }`, spec);
    return manifests(`kind: ${kind}\nmetadata: { name: w }\n${body.slice(2, -2)}`)[0];
  };
  for (const [kind, path] of [['Pod', 'spec'], ['Deployment', 'spec.template.spec'], ['DaemonSet', 'spec.template.spec'], ['ReplicaSet', 'spec.template.spec'],
    ['Job', 'spec.template.spec'], ['CronJob', 'spec.jobTemplate.spec.template.spec'], ['StatefulSet', 'spec.template.spec']] as const) {
    assert.deepEqual(podMounts(pod(kind, path)).map(m => m.mountPath), ['/m'], kind);
  }
  assert.deepEqual(podMounts(pod('Service', 'spec')), []);
  for (const junk of [null, 3, 'x', [], { kind: 'Pod', spec: { containers: 'x', volumes: [null, 3, { name: 'v' }] } },
    { kind: 'Secret', metadata: { name: 's' }, data: [1, 2] }, { kind: 'Secret', metadata: {} }]) {
    assert.doesNotThrow(() => { podMounts(junk); resourceFiles(junk); }, JSON.stringify(junk));
  }
  assert.deepEqual([...(resourceFiles({ kind: 'Secret', metadata: { name: 's' }, data: { n: 3, x: 'YQ' } })?.entries ?? [])].map(([k, v]) => [k, v.text ?? null]), [['n', null], ['x', null]],
    'a number, or base64 without its padding, is not a decodable value');
});

/**
 * What the entrypoints of the container images people run Pgpool-II with do to the pgpool.conf they are given, so that
 * a file which the image completes at start is not judged as if Pgpool-II read it alone. Pure: the table and the
 * decision; discover.ts finds the containers near a configuration and hands their image, environment and the file's
 * path in the container in.
 *
 * - `pgpool/pgpool` (pgpool/pgpool2_on_k8s, pgpool.docker/entrypoint.sh): a `pgpool.conf` in `$PGPOOL_CONF_VOLUME`
 *   (`/config`) is used whole; `generate_certs` then appends `ssl_key`/`ssl_cert` (pointing at `/opt/pgpool-II/tls`)
 *   whenever `ssl` is on or a `tls.key`/`tls.crt` pair is mounted at `/config/tls` (then also `ssl = 'on'`); with
 *   `PGPOOL_ENABLE_POOL_PASSWD` off, `generate_pool_passwd` first appends `ssl = 'on'` and `enable_pool_hba = 'on'`.
 * - `bitnami/pgpool` (bitnami/containers, libpgpool.sh `pgpool_create_config`): the file `PGPOOL_USER_CONF_FILE` names
 *   is appended to the pgpool.conf the image generates, which sets `listen_addresses = '*'`, `enable_pool_hba` from
 *   `PGPOOL_ENABLE_POOL_HBA` (default yes) and `allow_clear_text_frontend_auth` to its opposite, and with
 *   `PGPOOL_ENABLE_TLS` the `ssl`, `ssl_cert`, `ssl_key` (and `ssl_ca_cert`) of `PGPOOL_TLS_*_FILE`.
 */

/** A container that runs a known image, as discover.ts found it. */
export interface ImageContainer {
  image: string;
  env: Readonly<Record<string, string>>;
  /** Where the container's definition is, for messages ("docker-compose.yml, service pgpool"). */
  where: string;
  /** The configuration's path in the container: certain from a mount or COPY, else the path the image reads. */
  deployPath?: string;
  /** False when the link rests only on a ConfigMap that is not in the workspace mounted where the image reads. */
  certain: boolean;
  /** Mount points of the container (to see a `/config/tls` Secret). */
  mountPaths: readonly string[];
}

/** What an image does with the configuration. */
export interface ImageRun {
  /** The image as written, and a short name of what it is ("the pgpool/pgpool image"). */
  image: string;
  name: string;
  where: string;
  certain: boolean;
  /** `whole`: the file is the configuration, possibly with lines appended; `fragment`: appended to a generated one. */
  role: 'whole' | 'fragment';
  /** Settings the image writes before the file (a fragment's generated part): a setting of the file overrides them. */
  before: Readonly<Record<string, string>>;
  /** Settings the image appends after the file, given the file's effective value of a setting. */
  after(get: (key: string) => string | undefined): Record<string, string>;
}

interface ImageKnowledge {
  /** The repository part of the image reference, any registry and tag. */
  match: RegExp;
  name: string;
  run(c: ImageContainer): Pick<ImageRun, 'role' | 'before' | 'after'> | undefined;
}

/** A value as Pgpool-II reads a boolean (on/true/yes/1). */
const pgpoolTrue = (v: string | undefined): boolean => v !== undefined && /^(on|true|yes|1)$/i.test(v.replace(/^'(.*)'$/, '$1').trim());
/** bitnami's `is_boolean_yes`: 1, yes or true, any case. */
const bitnamiYes = (v: string | undefined): boolean => v !== undefined && /^(1|yes|true)$/i.test(v);
const trimSlash = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

const IMAGES: readonly ImageKnowledge[] = [
  {
    match: /^(?:[^/]+\/)*pgpool\/pgpool(?:[:@].*)?$/,
    name: 'the pgpool/pgpool image',
    run(c) {
      const volume = trimSlash(c.env.PGPOOL_CONF_VOLUME ?? '/config');
      if (c.deployPath !== `${volume}/pgpool.conf`) return undefined;
      const install = trimSlash(c.env.PGPOOL_INSTALL_DIR ?? '/opt/pgpool-II');
      const tlsMounted = c.mountPaths.some(p => trimSlash(p) === `${volume}/tls`);
      const poolPasswdOff = c.env.PGPOOL_ENABLE_POOL_PASSWD !== undefined && !/^(yes|true|on)$/.test(c.env.PGPOOL_ENABLE_POOL_PASSWD);
      return {
        role: 'whole',
        before: {},
        after(get) {
          const out: Record<string, string> = {};
          if (poolPasswdOff) Object.assign(out, { ssl: 'on', enable_pool_hba: 'on' });
          if (tlsMounted || poolPasswdOff || pgpoolTrue(get('ssl'))) {
            if (tlsMounted) out.ssl = 'on';
            Object.assign(out, { ssl_key: `${install}/tls/tls.key`, ssl_cert: `${install}/tls/tls.crt` });
          }
          return out;
        },
      };
    },
  },
  {
    match: /^(?:[^/]+\/)*bitnami(?:legacy)?\/pgpool(?:[:@].*)?$/,
    name: 'the bitnami/pgpool image',
    run(c) {
      const user = c.env.PGPOOL_USER_CONF_FILE;
      if (!user || !c.deployPath || trimSlash(user) !== c.deployPath) return undefined;
      const hba = bitnamiYes(c.env.PGPOOL_ENABLE_POOL_HBA ?? 'yes');
      const before: Record<string, string> = {
        listen_addresses: '*',
        enable_pool_hba: hba ? 'on' : 'off',
        allow_clear_text_frontend_auth: hba ? 'off' : 'on',
      };
      if (bitnamiYes(c.env.PGPOOL_ENABLE_TLS)) {
        before.ssl = 'on';
        if (c.env.PGPOOL_TLS_CERT_FILE) before.ssl_cert = c.env.PGPOOL_TLS_CERT_FILE;
        if (c.env.PGPOOL_TLS_KEY_FILE) before.ssl_key = c.env.PGPOOL_TLS_KEY_FILE;
        if (c.env.PGPOOL_TLS_CA_FILE) before.ssl_ca_cert = c.env.PGPOOL_TLS_CA_FILE;
      }
      return { role: 'fragment', before, after: () => ({}) };
    },
  },
];

/** The path in the container where a known image reads its whole pgpool.conf (for a ConfigMap not in the workspace). */
export function imageConfigPath(image: string, env: Readonly<Record<string, string>>): string | undefined {
  if (IMAGES[0]!.match.test(image)) return `${trimSlash(env.PGPOOL_CONF_VOLUME ?? '/config')}/pgpool.conf`;
  return undefined;
}

/** What the image of `c` does with the configuration, or `undefined` when pgtls knows nothing of it. */
export function imageRun(c: ImageContainer): ImageRun | undefined {
  for (const k of IMAGES) {
    if (!k.match.test(c.image)) continue;
    const r = k.run(c);
    return r && { ...r, image: c.image, name: k.name, where: c.where, certain: c.certain };
  }
  return undefined;
}

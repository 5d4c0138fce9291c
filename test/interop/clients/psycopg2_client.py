# The psycopg2 client of the interop matrix (certMatrix.test.ts): run by Debian's /usr/bin/python3 with
# python3-psycopg2 (libpq 15). Reads a JSON list of jobs {id, dsn} from the file named by its argument, makes one connection per job (the dsn is a
# libpq conninfo carrying sslmode, the files and ssl_min/max_protocol_version), and prints one JSON line per job:
# {id, ok, protocol (libpq's own report of the negotiated TLS version), user, serverVersion, clientDn} or {id, ok:
# false, error}. Never prints key material: only libpq's error text.
import json
import sys

import psycopg2

QUERY = ("SELECT current_user, coalesce(s.version, ''), coalesce(s.client_dn, '') "
         "FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()")


def run(job):
    out = {'id': job['id']}
    try:
        conn = psycopg2.connect(job['dsn'])
    except Exception as e:  # the refusal is the result
        out.update(ok=False, error=str(e).strip())
        return out
    try:
        out['protocol'] = conn.info.ssl_attribute('protocol') or ''
        cur = conn.cursor()
        cur.execute(QUERY)
        row = cur.fetchone()
        out.update(ok=True, user=row[0], serverVersion=row[1], clientDn=row[2])
    except Exception as e:
        out.update(ok=False, error='after connecting: ' + str(e).strip())
    finally:
        conn.close()
    return out


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        jobs = json.load(f)
    for job in jobs:
        print(json.dumps(run(job)), flush=True)


main()

// A local S3-compatible server (s3rver) on the loopback address with one bucket, for the S3 file
// store's tests; its default credentials are S3RVER / S3RVER. `client` writes to the bucket
// directly, as someone who can write there but not to Stopline's database would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsClient } from 'aws4fetch';
import S3rver from 's3rver';

export const S3_SECRET = 'S3RVER';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** The settings a Stopline instance needs to keep its files there. */
  env: Record<string, string>;
  /** Writes bytes under a key, bypassing Stopline. */
  overwrite(key: string, bytes: Buffer): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'stopline-files'): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'stopline-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new AwsClient({
    accessKeyId: 'S3RVER',
    secretAccessKey: S3_SECRET,
    region: 'us-east-1',
    service: 's3',
  });
  return {
    endpoint,
    bucket,
    env: {
      STOPLINE_FILE_STORE: 's3',
      STOPLINE_S3_BUCKET: bucket,
      STOPLINE_S3_ENDPOINT: endpoint,
      STOPLINE_S3_REGION: 'us-east-1',
      STOPLINE_S3_ACCESS_KEY_ID: 'S3RVER',
      STOPLINE_S3_SECRET_ACCESS_KEY: S3_SECRET,
    },
    async overwrite(key, bytes) {
      const res = await client.fetch(`${endpoint}/${bucket}/${key}`, {
        method: 'PUT',
        body: bytes,
      });
      if (!res.ok) throw new Error(`overwrite ${key}: ${res.status} ${await res.text()}`);
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

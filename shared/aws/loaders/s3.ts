// The s3 client, loaded on first use (see ../client-loader.ts).
import { type ClientLoader, senderFor } from '../client-loader.js';

export const s3: ClientLoader = {
  service: 's3',
  async load(config) {
    const m = await import('../clients/s3.js');
    // A custom endpoint (LocalStack, MinIO, a test server) rarely resolves bucket subdomains.
    return senderFor(new m.S3Client({ ...config, forcePathStyle: Boolean(config.endpoint) }), { GetObject: m.GetObjectCommand }, 's3');
  },
};

// Reads objects of the test bucket (OD_TEST_S3_*) behind the server's back, so a test can check
// what the server left in S3 (staging objects deleted, ...). Requests are signed with SigV4
// (Authorization header) from the AWS specification, like any S3 client would sign them.
import { createHash, createHmac } from 'node:crypto';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
const kEmptySha256 = sha256('');

// { status, body } of a signed `method` (GET or HEAD) of `key` in the test bucket.
export async function s3Object(key, method = 'GET') {
  const endpoint = new URL(process.env.OD_TEST_S3_URL);
  const bucket = process.env.OD_TEST_S3_BUCKET || 'od-test';
  const accessKey = process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER';
  const secretKey = process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER';
  const region = 'us-east-1';
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const day = date.slice(0, 8);
  const headers = { host: endpoint.host, 'x-amz-content-sha256': kEmptySha256, 'x-amz-date': date };
  const names = Object.keys(headers).sort();
  const canonical = [method, path, '', names.map((n) => `${n}:${headers[n]}\n`).join(''),
                     names.join(';'), kEmptySha256].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let signingKey = hmac(`AWS4${secretKey}`, day);
  for (const part of [region, 's3', 'aws4_request']) signingKey = hmac(signingKey, part);
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  const res = await fetch(new URL(path, endpoint), {
    method,
    headers: {
      'x-amz-content-sha256': kEmptySha256, 'x-amz-date': date,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, ` +
                     `SignedHeaders=${names.join(';')}, Signature=${signature}`,
    },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

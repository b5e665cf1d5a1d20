// Verifies AWS Signature Version 4 on an incoming request (Authorization header or presigned
// query string), the way S3 does, for the loopback S3 test server. Written independently of the
// C++ signer, from the AWS specification. The payload hash is taken as claimed (the body is not
// buffered); expiry of presigned URLs is enforced.
import { createHash, createHmac } from 'node:crypto';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
const encode = (text) => encodeURIComponent(text)
  .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function parseAuthorization(header) {
  const match = /^AWS4-HMAC-SHA256 (.*)$/.exec(header || '');
  if (!match) return null;
  const fields = {};
  for (const part of match[1].split(',')) {
    const eq = part.indexOf('=');
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields;
}

// Returns null when the signature is valid, else a sentence saying why not.
export function checkSigV4(req, secrets) {
  const url = new URL(req.url, 'http://placeholder');
  const query = [...url.searchParams.entries()];
  let credential, signedHeaders, signature, date, payloadHash;
  const auth = parseAuthorization(req.headers.authorization);
  if (auth) {
    ({ Credential: credential, SignedHeaders: signedHeaders, Signature: signature } = auth);
    date = req.headers['x-amz-date'];
    payloadHash = req.headers['x-amz-content-sha256'];
  } else if (url.searchParams.has('X-Amz-Signature')) {
    credential = url.searchParams.get('X-Amz-Credential');
    signedHeaders = url.searchParams.get('X-Amz-SignedHeaders');
    signature = url.searchParams.get('X-Amz-Signature');
    date = url.searchParams.get('X-Amz-Date');
    payloadHash = 'UNSIGNED-PAYLOAD';
    const iso = date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z');
    const expires = Number(url.searchParams.get('X-Amz-Expires'));
    if (Date.parse(iso) + expires * 1000 < Date.now()) return 'presigned URL expired';
  } else {
    return 'request is not signed';
  }
  if (!credential || !signedHeaders || !signature || !date || !payloadHash) {
    return 'incomplete signature';
  }
  const [accessKey, day, region, service, terminator] = credential.split('/');
  const secret = secrets[accessKey];
  if (!secret) return 'unknown access key';
  if (terminator !== 'aws4_request' || !date.startsWith(day)) return 'bad credential scope';

  const canonicalQuery = query
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [encode(name), encode(value)])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return 'host is not signed';
  const canonicalHeaders = names
    .map((name) => `${name}:${String(req.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [req.method, url.pathname, canonicalQuery, canonicalHeaders,
                            signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return expected === signature ? null : 'signature does not match';
}

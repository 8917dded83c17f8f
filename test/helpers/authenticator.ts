/**
 * A real software WebAuthn authenticator for tests: P-256 keys from WebCrypto, authenticator data,
 * "none" attestation objects in CBOR (own minimal encoder, so the fixtures do not reuse the library
 * under test), and DER-encoded ECDSA assertion signatures, exactly as a phone's platform authenticator
 * would send them through the browser / OS passkey API.
 */
import { base64url, fromBase64url } from '../../src/lib/jwt';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function cborHead(major: number, length: number): number[] {
  if (length < 24) return [(major << 5) | length];
  if (length < 256) return [(major << 5) | 24, length];
  return [(major << 5) | 25, length >> 8, length & 0xff];
}

export function cbor(value: Cbor): Uint8Array {
  const out: number[] = [];
  const write = (v: Cbor) => {
    if (typeof v === 'number') out.push(...(v >= 0 ? cborHead(0, v) : cborHead(1, -1 - v)));
    else if (typeof v === 'string') {
      const bytes = new TextEncoder().encode(v);
      out.push(...cborHead(3, bytes.length), ...bytes);
    } else if (v instanceof Uint8Array) out.push(...cborHead(2, v.length), ...v);
    else {
      out.push(...cborHead(5, v.size));
      for (const [k, item] of v) {
        write(k);
        write(item);
      }
    }
  };
  write(value);
  return new Uint8Array(out);
}

const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', data));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** WebCrypto's raw r||s signature → the ASN.1 DER form WebAuthn uses for ES256. */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.slice(i);
    const body = trimmed[0] & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const seq = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, seq.length]), seq);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

interface Credential {
  id: Uint8Array;
  keys: CryptoKeyPair;
  counter: number;
  userHandle: string;
  rpId: string;
}

// biome-ignore lint/suspicious/noExplicitAny: options come straight from the server's JSON
type Options = any;

export class SoftwareAuthenticator {
  readonly credentials: Credential[] = [];
  constructor(
    public origin = 'http://localhost:8787',
    public userVerified = true,
  ) {}

  private clientData(type: string, challenge: string, origin = this.origin) {
    return new TextEncoder().encode(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): a new P-256 credential with "none" attestation. */
  async create(options: Options) {
    const rpId: string = options.rp.id;
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey;
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, fromBase64url(jwk.x!)],
        [-3, fromBase64url(jwk.y!)],
      ]),
    );
    const id = crypto.getRandomValues(new Uint8Array(16));
    const credential = { id, keys, counter: 0, userHandle: options.user.id, rpId };
    this.credentials.push(credential);
    const flags = FLAG_UP | FLAG_AT | (this.userVerified ? FLAG_UV : 0);
    const authData = concat(
      await sha256(new TextEncoder().encode(rpId)),
      new Uint8Array([flags]),
      u32(0),
      new Uint8Array(16), // AAGUID
      new Uint8Array([0, id.length]),
      id,
      coseKey,
    );
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: base64url(id),
      rawId: base64url(id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(this.clientData('webauthn.create', options.challenge)),
        attestationObject: base64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  /** navigator.credentials.get(): an assertion by a discoverable credential for the options' rpId. */
  async get(options: Options, credential = this.credentials.find((c) => c.rpId === options.rpId)) {
    if (!credential) throw new Error('no credential for this relying party');
    credential.counter += 1;
    const clientDataJSON = this.clientData('webauthn.get', options.challenge);
    const authData = concat(
      await sha256(new TextEncoder().encode(credential.rpId)),
      new Uint8Array([FLAG_UP | (this.userVerified ? FLAG_UV : 0)]),
      u32(credential.counter),
    );
    const signed = concat(authData, await sha256(clientDataJSON));
    const raw = new Uint8Array(
      await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, credential.keys.privateKey, signed),
    );
    return {
      id: base64url(credential.id),
      rawId: base64url(credential.id),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: {
        clientDataJSON: base64url(clientDataJSON),
        authenticatorData: base64url(authData),
        signature: base64url(derSignature(raw)),
        userHandle: credential.userHandle,
      },
    };
  }
}

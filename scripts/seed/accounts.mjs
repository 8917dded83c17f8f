// Demo accounts: 120 creators (creator001@showroom.test …), a shopper and the configured admin.
// They all share one documented demo password; its PBKDF2 hash is computed once, in the same format
// as src/lib/password.ts, so logging in through the API works.
import { pbkdf2Sync } from 'node:crypto';
import { seededId } from './prng.mjs';
import { insertRows } from './sql.mjs';

export const DEMO_PASSWORD = 'showroom-demo-password';
export const CREATOR_COUNT = 120;
const ITERATIONS = 100_000;

const first = [
  'Maya',
  'Leo',
  'Aisha',
  'Noah',
  'Sofia',
  'Kenji',
  'Lena',
  'Omar',
  'Chloe',
  'Mateo',
  'Priya',
  'Jonas',
  'Amara',
  'Luca',
  'Hana',
  'Diego',
  'Ines',
  'Felix',
  'Zara',
  'Theo',
];
const last = [
  'Chen',
  'Okafor',
  'Rossi',
  'Novak',
  'Haddad',
  'Silva',
  'Tanaka',
  'Berg',
  'Moreau',
  'Kowalski',
  'Nguyen',
  'Costa',
  'Fischer',
  'Ali',
  'Larsen',
  'Duarte',
];
const brands = ['Studio', 'Atelier', 'Goods', 'Co.', 'Workshop', 'Supply', 'House', 'Makers', 'Label', 'Store'];

function demoHash(random) {
  const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(random.next() * 256)));
  const hash = pbkdf2Sync(DEMO_PASSWORD, salt, ITERATIONS, 32, 'sha256');
  return `pbkdf2-sha256$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Adds `ctx.creators`, `ctx.shopper`, `ctx.admin`; returns the SQL for the admin and creators. */
export function generateAccounts(ctx) {
  const { random, now } = ctx;
  const passwordHash = demoHash(random);
  const user = (email, displayName, role, createdAt) => ({
    id: seededId('usr', createdAt, random),
    email,
    password_hash: passwordHash,
    display_name: displayName,
    role,
    preferences: '{}',
    created_at: createdAt,
    updated_at: createdAt,
  });
  ctx.creators = Array.from({ length: CREATOR_COUNT }, (_, i) => {
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]}`;
    const display = i % 3 === 0 ? `${name.split(' ')[1]} ${brands[i % brands.length]}` : name;
    const createdAt = now - (400 - i) * 86_400_000;
    return user(`creator${String(i + 1).padStart(3, '0')}@showroom.test`, display, 'creator', createdAt);
  });
  ctx.shopper = user('shopper@showroom.test', 'Demo Shopper', 'shopper', now - 30 * 86_400_000);
  ctx.admin = user('admin@showroom.test', 'Showroom Admin', 'admin', now - 500 * 86_400_000);
  return insertRows('users', [ctx.admin, ...ctx.creators]);
}

/** The demo shopper is written last: its presence tells a later run the seed completed. */
export function generateShopper(ctx) {
  return insertRows('users', [ctx.shopper]);
}

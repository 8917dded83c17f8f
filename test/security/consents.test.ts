import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { consentsFor, consentsOf } from '../../src/services/consents';
import { call } from '../helpers/http';
import { signUp } from '../helpers/users';

describe('consents and preferences', () => {
  it('apply the documented defaults: personalisation opt-out, marketing opt-in, do-not-sell off', () => {
    expect(consentsOf({})).toEqual({ personalization: true, marketing: false, doNotSell: false });
    expect(consentsOf({ consents: { personalization: false, marketing: true, doNotSell: true } })).toEqual({
      personalization: false,
      marketing: true,
      doNotSell: true,
    });
  });

  it('are set with PATCH /v1/me, merged field by field, shown on /v1/me and read by features', async () => {
    const user = await signUp();
    await call('PATCH', '/v1/me', { token: user.token, body: { preferences: { consents: { doNotSell: true } } } });
    const res = await call('PATCH', '/v1/me', {
      token: user.token,
      body: { preferences: { consents: { personalization: false } } },
    });
    expect(res.json.preferences.consents).toEqual({ doNotSell: true, personalization: false });
    expect((await call('GET', '/v1/me', { token: user.token })).json.preferences.consents).toEqual({
      doNotSell: true,
      personalization: false,
    });
    expect(await consentsFor(createDb(env.DB), user.id)).toEqual({
      personalization: false,
      marketing: false,
      doNotSell: true,
    });
    expect(await consentsFor(createDb(env.DB), 'usr_unknown')).toMatchObject({ personalization: false });
  });

  it('are documented in the OpenAPI document', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    const consents = doc.components.schemas.Preferences.properties.consents;
    expect(Object.keys(consents.properties)).toEqual(['personalization', 'marketing', 'doNotSell']);
    expect(consents.properties.doNotSell.description).toMatch(/do not sell/i);
  });
});

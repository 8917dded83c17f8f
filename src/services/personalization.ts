/**
 * Personalisation context from the request: `Accept-Language` (formatting), `X-Currency` (ranking:
 * products priced in it first; prices are never converted, there are no exchange rates here),
 * `X-Device` (phones favour video and live) and the user's stored interests. A user who opted out
 * (preferences.consents.personalization === false) gets the same feed as a signed-out visitor.
 */
export type Device = 'ios' | 'android' | 'web';

export interface RequestContext {
  locale: string;
  currency: string | null;
  device: Device | null;
}

/** Headers that change personalised responses: send them in `Vary`. */
export const PERSONALIZATION_VARY = 'Authorization, Accept-Language, X-Currency, X-Device';

/** The best supported locale from an Accept-Language header (q-values honoured), else en-US. */
export function localeFrom(header: string | undefined): string {
  const tags = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.tag && t.tag !== '*' && t.q > 0 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(t.tag))
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {}
  }
  return 'en-US';
}

export function requestContext(headers: (name: string) => string | undefined): RequestContext {
  const currency = headers('X-Currency')?.trim().toUpperCase();
  const device = headers('X-Device')?.trim().toLowerCase();
  return {
    locale: localeFrom(headers('Accept-Language')),
    currency: currency && /^[A-Z]{3}$/.test(currency) ? currency : null,
    device: device === 'ios' || device === 'android' || device === 'web' ? device : null,
  };
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Minor units formatted for a locale, e.g. (1999, 'USD', 'de-DE') → '19,99 $'. */
export function formatPrice(amount: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    }
    formatters.set(key, format);
  }
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** Whether a user's stored preferences allow personalisation (it is on unless they turned it off). */
export function allowsPersonalization(preferences: Record<string, unknown> | undefined): boolean {
  const consents = preferences?.consents as { personalization?: boolean } | undefined;
  return consents?.personalization !== false;
}

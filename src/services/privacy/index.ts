/**
 * Every privacy area, registered once at module load (imported by app.ts). An area that keeps personal
 * data adds one line here; see `src/services/privacy.ts` for the contract.
 */
import { registerPrivacyArea } from '../privacy';
import { accountArea } from './account';
import { catalogArea } from './catalog';
import { discoveryArea } from './discovery';
import { feedArea } from './feed';
import { liveArea } from './live';
import { ordersArea } from './orders';
import { socialArea } from './social';

registerPrivacyArea(accountArea);
registerPrivacyArea(socialArea);
registerPrivacyArea(discoveryArea);
registerPrivacyArea(feedArea);
registerPrivacyArea(liveArea);
registerPrivacyArea(ordersArea);
// After live and orders: ending shows and cancelling orders release units, which the withdrawal then takes.
registerPrivacyArea(catalogArea);

import { createRouter } from '../../lib/openapi';
import { getMeHandler, patchMeHandler } from './me.handlers';
import * as routes from './me.routes';

export const meRouter = createRouter().openapi(routes.getMe, getMeHandler).openapi(routes.patchMe, patchMeHandler);

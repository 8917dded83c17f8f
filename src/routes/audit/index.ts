import { createRouter } from '../../lib/openapi';
import { listHandler } from './audit.handlers';
import * as routes from './audit.routes';

export const auditRouter = createRouter().openapi(routes.list, listHandler);

import { createRouter } from '../../lib/openapi';
import { listHandler } from './categories.handlers';
import * as routes from './categories.routes';

export const categoriesRouter = createRouter().openapi(routes.list, listHandler);

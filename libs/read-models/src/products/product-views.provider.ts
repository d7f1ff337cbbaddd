import type { Provider } from '@nestjs/common';
import { TenantDirectory } from '@platform/tenancy';
import { READ_MODELS, type ReadModels } from '../read-models.provider';
import { ProductViewStore } from './product-view.store';

export const PRODUCT_VIEWS = Symbol('PRODUCT_VIEWS');

/**
 * The {@link ProductViewStore} on the service's read-model databases ({@link READ_MODELS}: their
 * pools, closed there), each tenant's isolation mode from the local tenant directory.
 */
export const ProductViewsProvider: Provider = {
  provide: PRODUCT_VIEWS,
  inject: [READ_MODELS, TenantDirectory],
  useFactory: (models: ReadModels, directory: TenantDirectory) =>
    new ProductViewStore(
      models.sources,
      (tenantId) => directory.byTenantId(tenantId)?.isolation,
      models.positions,
    ),
};

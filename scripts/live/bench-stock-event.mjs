// The stock event the reference servers of `npm run bench:live` broadcast (the bare Durable Object and the
// Socket.IO room): the fields and size of the `stock` event our session object sends for the bench's product.
export function benchStockEvent(stock, seq) {
  return {
    type: 'stock',
    productId: 'prd_01m8bench0000000000000000',
    variantId: 'var_01m8bench0000000000000000',
    available: stock,
    held: 0,
    sold: 0,
    epoch: 1,
    seq,
    at: Date.now(),
  };
}

// The social graph and its commerce history: demo shoppers, follows, posts with product tags, likes,
// comments, paid orders (orders, order_items and the purchase read model), reviews (verified where the
// author bought), product_stats, shoppable videos and shares. Counts are recomputed from the rows written,
// exactly as the API keeps them. Reads ctx.creators, ctx.shopper, ctx.products.
import { seededId } from './prng.mjs';
import { insertRows } from './sql.mjs';

const DAY = 86_400_000;
const TRENDING_EPOCH_MS = Date.UTC(2026, 0, 1);
const TRENDING_HALF_LIFE_MS = 6 * 3600 * 1000;
export const SHOPPER_COUNT = 400;

/** log2 of Σ w·2^((t−T0)/H), as src/services/trending.ts stores it. */
function trendingOf(events) {
  if (events.length === 0) return 0;
  const exps = events.map(([w, t]) => Math.log2(w) + (t - TRENDING_EPOCH_MS) / TRENDING_HALF_LIFE_MS);
  const top = Math.max(...exps);
  return top + Math.log2(exps.reduce((sum, e) => sum + 2 ** (e - top), 0));
}

export function generateSocial(ctx) {
  const { random, now, creators, products } = ctx;
  const hash = creators[0].password_hash;
  const shoppers = Array.from({ length: SHOPPER_COUNT }, (_, i) => {
    const createdAt = now - random.int(1, 300) * DAY;
    return {
      id: seededId('usr', createdAt, random),
      email: `fan${String(i + 1).padStart(4, '0')}@showroom.test`,
      password_hash: hash,
      display_name: `Fan ${i + 1}`,
      role: 'shopper',
      preferences: '{}',
      created_at: createdAt,
      updated_at: createdAt,
    };
  });
  const people = [ctx.shopper, ...shoppers];
  const byCreator = new Map(creators.map((c) => [c.id, []]));
  for (const p of products) byCreator.get(p.creatorId).push(p);
  // Popular creators get most follows (power law over creator index).
  const popularCreator = () => creators[Math.floor(random.next() ** 2 * creators.length)];

  const follows = new Map();
  const follow = (a, b, at) => a !== b && follows.set(`${a}|${b}`, { follower_id: a, followee_id: b, created_at: at });
  for (const person of people) {
    const n = person === ctx.shopper ? 25 : random.int(3, 30);
    for (let i = 0; i < n; i++) follow(person.id, popularCreator().id, now - random.int(1, 200) * DAY);
  }
  for (const c of creators)
    for (let i = 0; i < 5; i++) follow(c.id, popularCreator().id, now - random.int(1, 200) * DAY);

  const posts = [];
  const postProducts = [];
  for (let i = 0; i < 4000; i++) {
    const author = random.chance(0.85) ? popularCreator() : random.pick(shoppers);
    const createdAt = now - Math.floor(random.next() ** 2 * 30 * DAY);
    const own = byCreator.get(author.id) ?? [];
    const tagged = random.sample(own.length ? own : products.slice(0, 50), random.int(0, 3)).map((p) => p.id);
    const id = seededId('pst', createdAt, random);
    posts.push({ id, author_id: author.id, created_at: createdAt, product_ids: tagged, likes: [], comments: 0 });
    for (const productId of tagged) postProducts.push({ post_id: id, product_id: productId });
  }
  const likes = new Map();
  for (let i = 0; i < 30_000; i++) {
    const post = posts[Math.floor(random.next() ** 3 * posts.length)];
    const user = random.pick(people);
    const at = post.created_at + random.int(0, Math.max(1, now - post.created_at));
    if (!likes.has(`${post.id}|${user.id}`)) {
      likes.set(`${post.id}|${user.id}`, { post_id: post.id, user_id: user.id, created_at: at });
      post.likes.push(at);
    }
  }
  const comments = [];
  for (let i = 0; i < 6000; i++) {
    const post = posts[Math.floor(random.next() ** 3 * posts.length)];
    const at = post.created_at + random.int(0, Math.max(1, now - post.created_at));
    comments.push({
      id: seededId('cmt', at, random),
      post_id: post.id,
      author_id: random.pick(people).id,
      text: random.pick([
        'Love this!',
        'Where does it ship from?',
        'Just ordered one',
        'Does it run small?',
        'Gorgeous colour',
      ]),
      hidden_at: null,
      created_at: at,
    });
    post.comments += 1;
  }

  const orders = [];
  const orderItems = [];
  const purchases = [];
  const bought = new Set();
  const productEvents = new Map();
  for (let i = 0; i < 3000; i++) {
    const buyer = random.chance(0.05) ? ctx.shopper : random.pick(shoppers);
    const paidAt = now - random.int(0, 30 * DAY);
    const id = seededId('ord', paidAt, random);
    const lines = [
      ...new Set(
        Array.from({ length: random.int(1, 3) }, () => products[Math.floor(random.next() ** 2.5 * products.length)]),
      ),
    ];
    let total = 0;
    lines.forEach((p, position) => {
      const quantity = random.int(1, 2);
      total += p.price * quantity;
      orderItems.push({
        order_id: id,
        position,
        product_id: p.id,
        variant_id: p.variantIds[0],
        title: p.title,
        options: p.options,
        unit_price: p.price,
        quantity,
      });
      purchases.push({
        order_id: id,
        product_id: p.id,
        user_id: buyer.id,
        quantity,
        amount: p.price * quantity,
        currency: 'USD',
        paid_at: paidAt,
      });
      bought.add(`${buyer.id}|${p.id}`);
      productEvents.set(p.id, [...(productEvents.get(p.id) ?? []), [5 * quantity, paidAt]]);
    });
    orders.push({
      id,
      user_id: buyer.id,
      status: 'paid',
      currency: 'USD',
      total_amount: total,
      live_session_id: null,
      share_code: null,
      hold_id: null,
      cancel_reason: null,
      transition_token: null,
      expires_at: paidAt + 15 * 60_000,
      paid_at: paidAt,
      created_at: paidAt - 60_000,
      updated_at: paidAt,
    });
  }

  const reviews = new Map();
  for (const line of purchases) {
    if (!random.chance(0.4) || reviews.has(`${line.product_id}|${line.user_id}`)) continue;
    const at = line.paid_at + random.int(DAY, 5 * DAY);
    reviews.set(`${line.product_id}|${line.user_id}`, {
      id: seededId('rev', at, random),
      product_id: line.product_id,
      author_id: line.user_id,
      rating: random.chance(0.7) ? random.int(4, 5) : random.int(1, 3),
      text: random.chance(0.6)
        ? random.pick([
            'Exactly as pictured.',
            'Great quality for the price.',
            'Took a while to arrive.',
            'Would buy again.',
          ])
        : null,
      verified_purchase: bought.has(`${line.user_id}|${line.product_id}`),
      hidden_at: null,
      created_at: at,
    });
  }

  const stats = new Map();
  const stat = (id) =>
    stats.get(id) ??
    stats.set(id, { product_id: id, likes: 0, rating_sum: 0, review_count: 0, updated_at: now }).get(id);
  for (const post of posts) for (const id of post.product_ids) stat(id).likes += post.likes.length;
  for (const r of reviews.values()) {
    stat(r.product_id).rating_sum += r.rating;
    stat(r.product_id).review_count += 1;
  }
  const productTrending = [...productEvents].map(
    ([id, events]) =>
      `UPDATE products SET trending_score = ${trendingOf(events)} WHERE id = '${id}' AND trending_score < ${trendingOf(events)};`,
  );

  const videos = [];
  const videoTags = [];
  for (let i = 0; i < 200; i++) {
    const creator = popularCreator();
    const own = byCreator.get(creator.id);
    if (!own.length) continue;
    const at = now - random.int(0, 20 * DAY);
    const id = seededId('vid', at, random);
    const views = Array.from({ length: random.int(0, 40) }, () => [0.5, at + random.int(0, now - at)]);
    videos.push({
      id,
      creator_id: creator.id,
      title: `${creator.display_name} — try-on`,
      url: `https://cdn.showroom.dev/demo/video/${i + 1}.mp4`,
      view_count: views.length,
      trending: trendingOf(views),
      hidden_at: null,
      created_at: at,
    });
    for (const [position, p] of random.sample(own, 3).entries()) {
      videoTags.push({
        video_id: id,
        position,
        product_id: p.id,
        start_ms: position * 15_000,
        end_ms: position * 15_000 + 20_000,
      });
    }
  }

  const postRows = posts.map((p) => ({
    id: p.id,
    author_id: p.author_id,
    text: random.pick([
      'New drop today ✨',
      'Styled three ways',
      'Restocked!',
      'Behind the scenes',
      'My everyday favourite',
    ]),
    media: [{ url: `https://cdn.showroom.dev/demo/posts/${random.int(1, 60)}.jpg`, type: 'image' }],
    product_ids: p.product_ids,
    like_count: p.likes.length,
    comment_count: p.comments,
    trending: trendingOf([[1, p.created_at], ...p.likes.map((t) => [2, t])]),
    hidden_at: null,
    created_at: p.created_at,
  }));
  // Rows that point at the demo shopper must follow its insert, which marks a completed seed (areas.mjs).
  const me = ctx.shopper.id;
  const mineOrders = new Set(orders.filter((o) => o.user_id === me).map((o) => o.id));
  const split = (rows, isMine) => [rows.filter((r) => !isMine(r)), rows.filter(isMine)];
  const [followRows, myFollows] = split([...follows.values()], (r) => r.follower_id === me);
  const [likeRows, myLikes] = split([...likes.values()], (r) => r.user_id === me);
  const [commentRows, myComments] = split(comments, (r) => r.author_id === me);
  const [orderRows, myOrders] = split(orders, (r) => r.user_id === me);
  const [itemRows, myItems] = split(orderItems, (r) => mineOrders.has(r.order_id));
  const [purchaseRows, myPurchases] = split(purchases, (r) => r.user_id === me);
  const [reviewRows, myReviews] = split([...reviews.values()], (r) => r.author_id === me);
  ctx.afterShopper = [
    ...insertRows('follows', myFollows),
    ...insertRows('post_likes', myLikes),
    ...insertRows('comments', myComments),
    ...insertRows('orders', myOrders),
    ...insertRows('order_items', myItems),
    ...insertRows('purchases', myPurchases),
    ...insertRows('reviews', myReviews),
  ];
  return [
    { label: `${shoppers.length} shoppers`, statements: insertRows('users', shoppers) },
    { label: `${follows.size} follows`, statements: insertRows('follows', followRows) },
    {
      label: `${posts.length} posts`,
      statements: [...insertRows('posts', postRows), ...insertRows('post_products', postProducts)],
    },
    {
      label: `${likes.size} likes, ${comments.length} comments`,
      statements: [...insertRows('post_likes', likeRows), ...insertRows('comments', commentRows)],
    },
    {
      label: `${orders.length} paid orders`,
      statements: [
        ...insertRows('orders', orderRows),
        ...insertRows('order_items', itemRows),
        ...insertRows('purchases', purchaseRows),
        ...productTrending,
      ],
    },
    {
      label: `${reviews.size} reviews`,
      statements: [...insertRows('reviews', reviewRows), ...insertRows('product_stats', [...stats.values()])],
    },
    {
      label: `${videos.length} videos`,
      statements: [...insertRows('videos', videos), ...insertRows('video_product_tags', videoTags)],
    },
  ];
}

// `ng serve console` forwards API calls to a running gateway, so the console talks same-origin as in production.
const target = process.env.ALLOT_GATEWAY_URL ?? 'http://localhost:3000';

export default {
  '/api': { target, secure: false },
  '/healthz': { target, secure: false },
  '/readyz': { target, secure: false },
};

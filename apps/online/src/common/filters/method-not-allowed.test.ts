import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RouteMethods } from './method-not-allowed';

describe('RouteMethods', () => {
  const routes = new RouteMethods();
  routes.add('GET', '/v1/users/:id/rows');
  routes.add('HEAD', '/v1/users/:id/rows');
  routes.add(['POST'], '/v1/plays');
  routes.add('GET', '/docs/*');

  it("lists a path's methods as the router matches them, sorted and once each", () => {
    routes.add('GET', '/v1/users/:id/rows');
    assert.deepEqual(routes.allowed('/v1/users/m1/rows?device=tv'), ['GET', 'HEAD']);
    assert.deepEqual(routes.allowed('/v1/plays'), ['POST']);
    assert.deepEqual(routes.allowed('/docs/swagger-ui.css'), ['GET']);
  });

  it('knows no method of an unknown path', () => {
    assert.deepEqual(routes.allowed('/v1/users/m1/nothing'), []);
    assert.deepEqual(routes.allowed('/v1/plays/extra'), []);
  });
});

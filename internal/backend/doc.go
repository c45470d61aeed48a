// Package backend holds the neutral types that cross between the API routers
// and the services behind them: the options a route decodes from a request
// and hands to its backend. Routers and services both import it, so no
// service imports a router and no router imports a service.
package backend

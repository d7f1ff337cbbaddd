/** The service's name (`SERVICE_NAME`) and its root logger (`SERVICE_LOGGER`). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

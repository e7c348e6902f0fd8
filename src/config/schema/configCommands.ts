/** Commands whose input is a config file in the dialect of docs/config.md. */
export const CONFIG_COMMANDS = ['speed-accuracy', 'train', 'optimize-schedule'] as const;
/** One of {@link CONFIG_COMMANDS}. */
export type ConfigCommand = (typeof CONFIG_COMMANDS)[number];

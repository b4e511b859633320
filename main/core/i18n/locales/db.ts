import { defineMessages } from '../define-messages.ts';

/** Messages of the DB error codes (the local database). Each says what to do next. */
export const dbMessages = defineMessages({
  en: {
    errors: {
      DB_NOT_A_DATABASE:
        'The file {file} is not a Campaign Desk database. It was left unchanged. Move it away, or start Campaign Desk with another --data-dir.',
      DB_NEWER_SCHEMA:
        'The database {file} was written by a newer version of Campaign Desk ({what}: version {found}, this version reads up to {supported}). It was left unchanged. Update Campaign Desk to open it.',
      DB_LOCKED:
        'The database {file} is in use by another running Campaign Desk. Close the other instance, or start this one with another --data-dir.',
      DB_CORRUPT:
        'The database {file} is damaged ({reason}). It was left unchanged. Restore it from a backup.',
      DB_OPEN_FAILED: 'The database {file} cannot be opened: {reason}',
      DB_BACKUP_FAILED: 'Backing up the database to {target} failed: {reason}',
      DB_DISK_FULL:
        'The disk that holds the database {file} is full. Nothing of this change was saved; what was stored before is intact. Free some disk space, then try again.',
      DB_WRITE_FAILED:
        'Writing to the database {file} failed ({reason}). Nothing of this change was saved; what was stored before is intact. Check that the disk works and the folder is writable, then try again.',
    },
  },
  'zh-CN': {
    errors: {
      DB_NOT_A_DATABASE:
        '文件 {file} 不是 Campaign Desk 数据库，未做任何修改。请将其移走，或用其他 --data-dir 启动 Campaign Desk。',
      DB_NEWER_SCHEMA:
        '数据库 {file} 由更新版本的 Campaign Desk 写入（{what}：版本 {found}，本版本最高支持 {supported}），未做任何修改。请升级 Campaign Desk 后再打开。',
      DB_LOCKED: '数据库 {file} 正被另一个运行中的 Campaign Desk 使用。请关闭另一个实例，或用其他 --data-dir 启动本实例。',
      DB_CORRUPT: '数据库 {file} 已损坏（{reason}），未做任何修改。请从备份恢复。',
      DB_OPEN_FAILED: '无法打开数据库 {file}：{reason}',
      DB_BACKUP_FAILED: '将数据库备份到 {target} 失败：{reason}',
      DB_DISK_FULL: '数据库 {file} 所在的磁盘已满。本次修改未保存，之前保存的数据完好。请释放磁盘空间后重试。',
      DB_WRITE_FAILED: '写入数据库 {file} 失败（{reason}）。本次修改未保存，之前保存的数据完好。请检查磁盘是否正常、文件夹是否可写，然后重试。',
    },
  },
});

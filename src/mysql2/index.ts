// holdfast/mysql2: the retrying mysql2 pool. Filled in by the MySQL issue.
export {};

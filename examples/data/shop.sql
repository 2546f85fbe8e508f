-- A small shop: every relationship shape sqlrel handles.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
);

CREATE TABLE addresses (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    city TEXT NOT NULL,
    country TEXT NOT NULL
);

-- Two foreign keys to addresses.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    billing_address_id INTEGER REFERENCES addresses (id),
    shipping_address_id INTEGER REFERENCES addresses (id),
    placed_on TEXT NOT NULL,
    status TEXT NOT NULL
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price_cents INTEGER NOT NULL
);

CREATE TABLE order_items (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);

-- Many-to-many between products and categories.
CREATE TABLE product_categories (
    product_id INTEGER NOT NULL REFERENCES products (id),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    PRIMARY KEY (product_id, category_id)
);

-- Self-referential: every employee but the CEO has a manager.
CREATE TABLE employees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    manager_id INTEGER REFERENCES employees (id)
);

-- A composite key: stock per warehouse and product.
CREATE TABLE warehouses (
    code TEXT PRIMARY KEY,
    city TEXT NOT NULL
);

CREATE TABLE stock (
    warehouse_code TEXT NOT NULL REFERENCES warehouses (code),
    product_id INTEGER NOT NULL REFERENCES products (id),
    on_hand INTEGER NOT NULL,
    PRIMARY KEY (warehouse_code, product_id)
);

CREATE TABLE stock_counts (
    id INTEGER PRIMARY KEY,
    warehouse_code TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    counted_by INTEGER REFERENCES employees (id),
    counted INTEGER NOT NULL,
    FOREIGN KEY (warehouse_code, product_id) REFERENCES stock (warehouse_code, product_id)
);

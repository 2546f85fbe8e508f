//! Memory held by sqlrel is freed with the values that hold it: a service
//! that loads many schemas over its life does not grow.
//!
//! A test binary of its own: it installs a counting global allocator, and
//! other tests running in the same process would disturb the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use sqlrel::query::{Dialect, Select};
use sqlrel::registry::Registry;
use sqlrel::schema::Schema;

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Builds schema number `n` (every name distinct from other numbers'),
/// configures it with automap, renders a relationship predicate with an
/// anonymous alias and a named one, and drops it all.
fn round_trip(n: usize) {
    let ddl = format!(
        "CREATE TABLE users_{n} (id INTEGER PRIMARY KEY, name_{n} TEXT);
         CREATE TABLE posts_{n} (id INTEGER PRIMARY KEY, author_{n} INTEGER REFERENCES users_{n}(id),
                                 parent_{n} INTEGER REFERENCES posts_{n}(id), title_{n} TEXT);"
    );
    let schema = Schema::from_ddl(&ddl).expect("valid DDL");
    let registry = Registry::builder(schema)
        .automap()
        .configure()
        .expect("automap");
    let s = registry.schema();
    let users = s.table(&format!("users_{n}")).expect("users");
    let posts_of = registry
        .relationship(&format!("users_{n}.posts_{n}_collection"))
        .expect("generated collection");
    let title = s.col(&format!("posts_{n}.title_{n}")).expect("title");
    let children = registry
        .relationship(&format!("posts_{n}.posts_{n}_collection"))
        .expect("self-referential collection");
    // Users with a post titled ... that has replies.
    let predicate = posts_of
        .any(
            title
                .like(format!("%{n}%"))
                .and(children.any(None).expect("any")),
        )
        .expect("any");
    let sql = Select::from(users.clone())
        .column(s.col(&format!("users_{n}.name_{n}")).expect("name"))
        .filter(predicate)
        .to_string(Dialect::Postgres)
        .expect("renders");
    assert!(sql.contains(&format!("posts_{n}_1")), "{sql}");
}

#[test]
fn building_and_dropping_many_schemas_leaves_memory_flat() {
    // Warm up: anything created once per process (thread-locals, lazily
    // initialized tables of dependencies) is allocated here.
    for n in 0..10 {
        round_trip(n);
    }
    let before = LIVE.load(Ordering::Relaxed);
    for n in 10..1_010 {
        round_trip(n);
    }
    let after = LIVE.load(Ordering::Relaxed);
    let grown = after - before;
    eprintln!("1,000 schemas built and dropped: {grown} bytes still allocated");
    // Names are at least 7 bytes and each schema has over a dozen: kept
    // for the life of the process, 1,000 schemas would hold > 84 KB.
    assert!(
        grown < 4 * 1024,
        "1,000 schemas built and dropped left {grown} bytes allocated ({before} -> {after})"
    );
}

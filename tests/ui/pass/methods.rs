use audit_core::audited;
use std::io;

struct Account {
    balance: u64,
}

impl Account {
    #[audited("app.account.balance", args(balance = self.balance))]
    fn balance(&self) -> io::Result<u64> {
        Ok(self.balance)
    }

    #[audited("app.account.deposit")]
    pub fn deposit(&mut self, amount: u64) -> io::Result<()> {
        self.balance += amount;
        Ok(())
    }

    #[audited("app.account.close")]
    fn close(self) -> io::Result<u64> {
        Ok(self.balance)
    }

    #[audited("app.account.close_boxed")]
    fn close_boxed(self: Box<Self>) -> io::Result<u64> {
        Ok(self.balance)
    }
}

fn main() {
    let mut account = Account { balance: 1 };
    account.deposit(2).unwrap();
    assert_eq!(account.balance().unwrap(), 3);
    assert_eq!(Box::new(Account { balance: 4 }).close_boxed().unwrap(), 4);
    assert_eq!(account.close().unwrap(), 3);
}

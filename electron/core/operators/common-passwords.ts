/**
 * The passwords (and the words under them once leading and trailing digits and symbols are taken off) that are
 * tried first by anyone guessing: the long-standing top of the published lists, the Chinese-language favourites
 * (pinyin names, 520/1314 love numbers, 8s and 6s), keyboard walks, and the words of this trade (baoan, wuye,
 * jiankong, console, guard). Small on purpose: it refuses what a guesser tries in the first minutes, the slow hash
 * and the slowed-down sign-in do the rest. Lower case; compared after lower-casing.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
0000 000000 00000000 1111 111111 11111111 112233 11223344 121212 12121212 123123 123123123 123321
1234 12344321 12345 123456 1234567 12345678 123456789 1234567890 123654 1314520 13579 135792468
147258 147258369 147852369 159357 159632 159753 19491001 19900101 1q2w3e 1q2w3e4r 1q2w3e4r5t
1qaz2wsx 1qazxsw2 200000 20080808 2222 24682468 321321 4321 5201314 52013145 520520 520520520 5678
654321 6666 666666 66666666 741852963 7654321 789456123 876543 87654321 8888 888888 88888888
963852741 98765432 987654321 999999 99999999 a123456 a1234567 a12345678 a123456789 aa123456 aaa111
aaaaaa aaaaaaaa abc abc123 abc12345 abc123456 abcd abcd1234 abcde abcdef abcdefg abcdefgh access
admin admin123 admin1234 admin888 administrator aini1314 anbao angel apple asd123 asdasd asdf
asdf1234 asdfgh asdfghjk asdfghjkl ashley autumn banana baoan baoan123 baobao baseball baseball1
basketball batman beibei beijing blessed buster camera cctv changeme charlie cheese chen china
chocolate christ company computer connect console control controlroom cookie daniel dddddd default
demo diamond dragon dragon1 flower football football1 freedom george ginger golden google guangzhou
guard guard123 guest haha hahaha harley hehe hehehe hello hello123 helloworld hockey huang huawei
hunter iloveu iloveyou iloveyou1 internet iphone ironman jennifer jessica jesus jiankong jordan
killer letmein letmein1 liu liuyang liwei login love loveme lover maggie manager master master1
matrix michael michael1 mima mima123 mimamima monkey monkey1 mustang naruto network nihao nihao123
office online operator orange p@ssw0rd p@ssword pass pass123 passport passw0rd passwd password
password1 password12 password123 password1234 pepper pokemon princess princess1 private public
q1w2e3r4 qazwsx qazwsxedc qq123456 qqqqqq qwe123 qweasd qweasdzxc qweqwe qwer1234 qwerty qwerty1
qwerty123 qwertyui qwertyuiop ranger root root123 root1234 sample samsung secret secure security
server shadow shadow1 shanghai shenzhen silver soccer spiderman spring ssssss starwars summer
sunshine sunshine1 superman superman1 supervisor system temp temp123 test test123 testtest thomas
tiantian tigger toor trustno trustno1 user wang wangwei wangyang welcome welcome1 welcome123
whatever whatever1 winter woaini woaini123 woaini1314 woaini520 wodemima woshishui wuye wuye123
wwwwww xiaohong xiaomi xiaoming xiaoqu yahoo yang zaq12wsx zhang zhangwei zhao zhiban zhongguo zhou
zxc123 zxcv zxcv1234 zxcvbn zxcvbnm zzzzzz
`
    .split(/\s+/)
    .filter(Boolean),
);
